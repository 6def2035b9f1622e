package recur

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/teambition/rrule-go"
)

// TestRuleMovesKeepOccurrences: moving DTSTART forward (COUNT less the
// periods skipped, for plain rules) and running the rule 400·k years
// ahead (rule.go) change nothing. For rules of every
// frequency, in a zone with daylight saving and in UTC, the starts that
// Expand yields over windows up to 30 years after DTSTART are those the
// engine gives when walked plainly from DTSTART.
func TestRuleMovesKeepOccurrences(t *testing.T) {
	rules := []string{
		"FREQ=DAILY;INTERVAL=3;BYHOUR=1,23",
		"FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE",
		"FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
		"FREQ=MONTHLY;BYDAY=-1FR",
		"FREQ=MONTHLY;BYMONTHDAY=31",
		"FREQ=MONTHLY;INTERVAL=5;BYMONTHDAY=-2,15",
		"FREQ=YEARLY;BYWEEKNO=1,53;BYDAY=MO",
		"FREQ=YEARLY;INTERVAL=3;BYMONTH=2;BYMONTHDAY=29",
		"FREQ=HOURLY;INTERVAL=5;BYDAY=TU",
		"FREQ=MINUTELY;INTERVAL=7;BYHOUR=3",
		"FREQ=SECONDLY;INTERVAL=86399;BYMINUTE=0,30",
		"FREQ=DAILY;UNTIL=20400101T000000Z;BYMONTH=3,10;BYDAY=SU",
		"FREQ=HOURLY;INTERVAL=7;COUNT=30000",
		"FREQ=WEEKLY;INTERVAL=3;COUNT=400",
		"FREQ=MINUTELY;INTERVAL=13;COUNT=300000",
		"FREQ=DAILY;COUNT=5000",
		"FREQ=MINUTELY;INTERVAL=7;BYHOUR=3;COUNT=5000",
		"FREQ=HOURLY;BYHOUR=1,13;BYDAY=TU;COUNT=900",
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, zone := range []string{"Europe/Berlin", "UTC"} {
		loc, _ := time.LoadLocation(zone)
		for _, rr := range rules {
			start := time.Date(2001, 3, 25, 1, 30, 0, 0, loc)
			o := object(t, time.UTC, vevent("r", "DTSTART;TZID="+zone+":"+start.Format("20060102T150405"),
				"DURATION:PT2H", "RRULE:"+rr))
			for range 6 {
				from := start.Add(time.Duration(rng.Int64N(30*365*24)) * time.Hour)
				to := from.Add(time.Duration(1+rng.Int64N(60*24)) * time.Hour)
				want := walkedPlainly(t, rr, start, from.Add(-2*time.Hour), to)
				got := fmt.Sprint(startsIn(t, o, from, to))
				if got != want {
					t.Errorf("%s in %s, %v to %v:\n got %s\nwant %s", rr, zone, from, to, got, want)
				}
			}
		}
	}
}

// walkedPlainly walks the engine from DTSTART and keeps the starts in (from, to),
// DTSTART included (RFC 5545 §3.8.5.3).
func walkedPlainly(t *testing.T, value string, start, from, to time.Time) string {
	o, err := rrule.StrToROptionInLocation(value, start.Location())
	if err != nil {
		t.Fatal(err)
	}
	o.Dtstart = start
	r, err := rrule.NewRRule(*o)
	if err != nil {
		t.Fatal(err)
	}
	var out []time.Time
	if start.After(from) && start.Before(to) {
		out = append(out, start)
	}
	next := r.Iterator()
	for v, ok := next(); ok && v.Before(to); v, ok = next() {
		if v.After(from) && !v.Equal(start) {
			out = append(out, v)
		}
	}
	return fmt.Sprint(utcs(out))
}

func startsIn(t *testing.T, o *Object, from, to time.Time) []time.Time {
	var out []time.Time
	if err := o.Expand(Range{from, to}, unlimited(), func(in Instance) bool {
		out = append(out, in.Start)
		return true
	}); err != nil {
		t.Fatal(err)
	}
	return utcs(out)
}

func utcs(ts []time.Time) []time.Time {
	for i := range ts {
		ts[i] = ts[i].UTC()
	}
	return ts
}

// TestCycleShift: the 400-year shift keeps the range within the engine's
// years.
func TestCycleShift(t *testing.T) {
	for _, y := range []int{1, 1900, 2026, 9598, 9599, 9999} {
		s := cycleShift(y)
		if s%400 != 0 || y+s > 9998 && s != 0 || y < 9599 && y+s < 9599 {
			t.Errorf("cycleShift(%d) = %d", y, s)
		}
	}
}

// TestReachable: the residue check of guard.go agrees with stepping
// through a day's times one INTERVAL at a time.
func TestReachable(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	pick := func(n, most int) []int {
		var out []int
		for range rng.IntN(most + 1) {
			out = append(out, rng.IntN(n))
		}
		return out
	}
	for i := range 3000 {
		o := rrule.ROption{Freq: rrule.Frequency(4 + i%3), Interval: 1 + rng.IntN(200),
			Byhour: pick(24, 3), Byminute: pick(60, 3), Bysecond: pick(60, 3)}
		d := time.Date(2026, 1, 1, rng.IntN(24), rng.IntN(60), rng.IntN(60), 0, time.UTC)
		unit := int(periodSeconds(o.Freq))
		perDay := 86400 / unit
		v0 := (d.Hour()*3600 + d.Minute()*60 + d.Second()) / unit
		want := false
		for k := 0; k < perDay && !want; k++ {
			s := (v0 + k*o.Interval) % perDay * unit
			want = allows(o.Byhour, s/3600) && (o.Freq < rrule.MINUTELY || allows(o.Byminute, s/60%60)) &&
				(o.Freq < rrule.SECONDLY || allows(o.Bysecond, s%60))
		}
		if got := reachable(&o, d); got != want {
			t.Fatalf("%+v from %v: %v, want %v", o, d, got, want)
		}
	}
}
