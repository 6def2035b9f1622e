package recur

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"
)

// queryLimits are of the size CalDAV uses per request.
var queryLimits = Limits{Steps: 2_000_000, Instances: 100_000, ObjectSteps: 200_000, ObjectInstances: 20_000}

// hostile are rules meant to cost: each must expand within its budget,
// in little time, whatever the range.
var hostile = []struct{ name, start, rule string }{
	{"every second since 1900", "19000101T000000Z", "FREQ=SECONDLY"},
	{"every second, ten million times", "20260101T000000Z", "FREQ=SECONDLY;COUNT=10000000"},
	{"every second, ten million times, from 1900", "19000101T000000Z", "FREQ=SECONDLY;COUNT=10000000"},
	{"a second set position that no second has", "19000101T000000Z", "FREQ=SECONDLY;BYSETPOS=2"},
	{"a set position past a minute's seconds", "00010101T000000Z", "FREQ=MINUTELY;BYSETPOS=-2;BYSECOND=1"},
	{"a set position past a day's times", "00010101T000000Z", "FREQ=DAILY;BYSETPOS=366;BYHOUR=1,2"},
	{"a set position past every year", "00010101T000000Z", "FREQ=YEARLY;BYSETPOS=366;BYDAY=MO;COUNT=3"},
	{"a set position some months have", "19000101T000000Z", "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=23"},
	{"an hour the interval never reaches", "19000101T000000Z", "FREQ=HOURLY;INTERVAL=2;BYHOUR=1"},
	{"a second the interval never reaches", "19000101T000000Z", "FREQ=SECONDLY;INTERVAL=2;BYSECOND=1"},
	{"a minute the interval never reaches", "19000101T000030Z", "FREQ=MINUTELY;INTERVAL=4;BYMINUTE=3,7"},
	{"30 February every second", "19000101T000000Z", "FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30"},
	{"30 February every second, counted, from year 1", "00010101T000000Z", "FREQ=SECONDLY;COUNT=5;BYMONTH=2;BYMONTHDAY=30"},
	{"30 February every hour, until 9999", "00010101T000000Z", "FREQ=HOURLY;UNTIL=99991231T000000Z;BYMONTH=2;BYMONTHDAY=30"},
	{"30 February, hour 23, every second", "19000101T000000Z", "FREQ=SECONDLY;BYHOUR=23;BYMONTH=2;BYMONTHDAY=30"},
	{"30 February, hour 23, counted, from year 1", "00010101T000000Z", "FREQ=SECONDLY;COUNT=3;BYHOUR=23;BYMINUTE=59;BYMONTH=2;BYMONTHDAY=30"},
	{"a week 53 Monday every minute", "19000101T000000Z", "FREQ=MINUTELY;BYWEEKNO=53;BYDAY=MO"},
	{"every second of the hour 23", "19000101T000000Z", "FREQ=SECONDLY;INTERVAL=7;BYHOUR=23"},
	{"a huge interval", "19000101T000000Z", "FREQ=MONTHLY;INTERVAL=999999;COUNT=3"},
	{"duplicates", "19000101T000000Z", "FREQ=DAILY;BYMONTHDAY=" + strings.Repeat("1,", 5000) + "1"},
	{"every minute of every hour, daily", "19000101T000000Z", "FREQ=DAILY;BYHOUR=" + seq(24) + ";BYMINUTE=" + seq(60)},
	{"a year 0 start", "00000101T000000Z", "FREQ=MONTHLY;BYDAY=0FR"},
}

func seq(n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(i))
	}
	return b.String()
}

// TestHostileRules: every hostile rule, expanded over a day and over a
// year of 2026 and matched over a week of 2030, answers within the
// budget (truncated if need be). The time limit only catches a walk that
// escaped the budget (a hang): it is generous, because the suite runs
// under the race detector on a shared 2-core machine, where this costs
// ten times what it costs in the daemon; the 1 s the issue asks for is
// checked against the real binary in e2e/caldav's TestRecurrenceBudget.
func TestHostileRules(t *testing.T) {
	ranges := []Range{{utc("2026-06-01T00:00"), utc("2026-06-02T00:00")},
		{utc("2026-01-01T00:00"), utc("2027-01-01T00:00")}, {utc("2030-03-01T00:00"), utc("2030-03-08T00:00")}}
	for _, h := range hostile {
		o := object(t, time.UTC, vevent("h", "DTSTART:"+h.start, "DURATION:PT1S", "RRULE:"+h.rule))
		for i, r := range ranges {
			b := NewBudget(queryLimits)
			began := time.Now()
			n := 0
			err := o.Expand(r, b, func(Instance) bool { n++; return true })
			m, err2 := o.Meets(o.all[0].comp, r, NewBudget(queryLimits))
			took := time.Since(began)
			steps, _ := b.Spent()
			t.Logf("%s, range %d: %d instances, met %v, %d steps, %v, truncated %v, %v %v", h.name, i, n, m, steps, took, b.Truncated(), err, err2)
			if took > 10*time.Second {
				t.Errorf("%s, range %d: %v", h.name, i, took)
			}
			if n > queryLimits.ObjectInstances || b.Truncated() != isLimit(err) {
				t.Errorf("%s, range %d: %d instances, truncated %v, %v", h.name, i, n, b.Truncated(), err)
			}
		}
	}
}

// TestAttack: the audit's attack (issue 16): 200 VEVENTs sharing a UID,
// each every second ten million times. Over a day when they start, a
// free-busy-like expansion stops at the object's budget and a query-like
// match finds every component at once; over a day after their 116 days,
// both know at once that there is nothing (the rules are plain).
func TestAttack(t *testing.T) {
	var comps []string
	for i := range 200 {
		comps = append(comps, vevent("attack", "DTSTART:20260601T0000"+twoDigits(i%60)+"Z", "SUMMARY:a"+twoDigits(i),
			"RRULE:FREQ=SECONDLY;COUNT=10000000"))
	}
	o := object(t, time.UTC, comps...)
	for i, r := range []Range{{utc("2026-06-01T00:00"), utc("2026-06-02T00:00")}, {utc("2026-12-01T00:00"), utc("2026-12-02T00:00")}} {
		b := NewBudget(queryLimits)
		began := time.Now()
		err := o.Expand(r, b, func(Instance) bool { return true })
		expand := time.Since(began)
		mb, met := NewBudget(queryLimits), 0
		for _, s := range o.all {
			if ok, _ := o.Meets(s.comp, r, mb); ok {
				met++
			}
		}
		match := time.Since(began) - expand
		steps, n := b.Spent()
		t.Logf("%v: expand %d steps, %d instances, %v, %v; match %d components, %v, %v", r.Start, steps, n, expand, err,
			met, match, mb.Reason())
		var le *LimitError
		if i == 0 && (!errors.As(err, &le) || !le.Object || met != 200) || i == 1 && (err != nil || n != 0 || met != 0) ||
			expand > 300*time.Millisecond || match > 300*time.Millisecond {
			t.Errorf("%v: %v in %v, match in %v", r.Start, err, expand, match)
		}
	}
}

func twoDigits(i int) string { return string(rune('0'+i/10%10)) + string(rune('0'+i%10)) }

// FuzzExpand: whatever the rule, start, zone and range, Expand and Meets
// return within their budget and in little time, without a panic; the
// instances come in order and overlap the range. The seeds are the
// hostile rules.
func FuzzExpand(f *testing.F) {
	for _, h := range hostile {
		f.Add(h.rule, h.start, uint8(0), int32(0), int32(24))
	}
	f.Add("FREQ=MONTHLY;BYDAY=-1FR;UNTIL=20270101", "20250131T100000", uint8(1), int32(-500), int32(24*400))
	f.Add("FREQ=YEARLY;BYWEEKNO=-1;BYDAY=SU;BYSETPOS=-1", "20000101", uint8(2), int32(9000), int32(1))
	zones := []string{"", "TZID=Europe/Berlin", "VALUE=DATE", "TZID=America/St_Johns"}
	f.Fuzz(func(t *testing.T, rule, start string, zone uint8, from, length int32) {
		if strings.ContainsAny(rule+start, "\r\n") || len(rule) > 300 || len(start) > 20 {
			return
		}
		watch := time.AfterFunc(60*time.Second, func() { panic(fmt.Sprintf("hang: %q %q %d %d %d", rule, start, zone, from, length)) })
		defer watch.Stop()
		dt := "DTSTART"
		if z := zones[int(zone)%len(zones)]; z != "" {
			dt += ";" + z
		}
		body := vevent("f", dt+":"+start, "DURATION:PT1H", "RRULE:"+rule)
		o := object(t, time.UTC, body)
		base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		r := Range{base.Add(time.Duration(from) * time.Hour), base.Add(time.Duration(from) * time.Hour).Add(time.Duration(length&0xffff) * time.Hour)}
		began := time.Now()
		var prev time.Time
		o.Expand(r, NewBudget(queryLimits), func(in Instance) bool {
			if in.Start.Before(prev) || !r.overlaps(shapeEvent, in.Start, in.End, nil) {
				t.Fatalf("instance %v–%v out of order or range %v", in.Start, in.End, r)
			}
			prev = in.Start
			return true
		})
		o.Meets(o.all[0].comp, r, NewBudget(queryLimits))
		if took := time.Since(began); took > 20*time.Second { // a hang guard, as in TestHostileRules
			t.Fatalf("%s from %s: %v", rule, start, took)
		}
	})
}
