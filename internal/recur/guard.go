package recur

import (
	"errors"
	"slices"
	"time"

	"github.com/teambition/rrule-go"
)

// The rule engine (rrule-go) computes one period (a year, a month, … a
// second) at a time and, asked for the next occurrence, walks periods
// until one yields; it can neither be stopped nor told how far to go. So
// rules are checked before it sees them (normalize), where it would walk
// without end or hold a great deal of memory:
//
//   - BYHOUR, BYMINUTE, BYSECOND that an INTERVAL never reaches
//     (FREQ=HOURLY;INTERVAL=2;BYHOUR=1 from an even hour): its inner loop
//     never ends. Such a rule has no occurrence;
//   - BYSETPOS beyond the size of every set (FREQ=SECONDLY;BYSETPOS=2):
//     no period ever yields and it walks every second to year 9999. Those
//     positions are dropped, and a rule left with none has no occurrence;
//   - more than maxTimes times of day (BYHOUR × BYMINUTE × BYSECOND),
//     which it builds at once, and duplicate values, which it scans on
//     every step: refused, and removed;
//   - BYEASTER (not iCalendar) and INTERVAL over maxInterval: refused;
//   - the BYHOUR, BYMINUTE and BYSECOND that limit an HOURLY, MINUTELY or
//     SECONDLY rule: taken out of the engine's rule and applied by the
//     walker (times, below).
//
// Day filters that never match (BYMONTH=2;BYMONTHDAY=30) make it walk to
// year 9999 as well: rule.go bounds that walk by where it runs the rule,
// and charges it.
const (
	maxTimes    = 1440
	maxInterval = 1_000_000
)

var (
	errEaster   = errors.New("the recurrence rule cannot be expanded: BYEASTER is not part of iCalendar (RFC 5545 §3.3.10)")
	errInterval = errors.New("the recurrence rule cannot be expanded: its INTERVAL is over 1000000")
	errTimes    = errors.New("the recurrence rule cannot be expanded: it has more than 1440 times a day")
	errYear     = errors.New("the recurrence rule cannot be expanded: it starts outside the years 1 to 9999")
)

// normalize prepares o, whose DTSTART in wall-clock time is d: the
// engine's defaults taken from DTSTART made explicit (so that DTSTART may
// move, rule.go), lists without duplicates, BYSETPOS pruned. empty
// reports a rule that has no occurrence.
func normalize(o *rrule.ROption, d time.Time) (empty bool, err error) {
	switch {
	case len(o.Byeaster) > 0:
		return false, errEaster
	case o.Interval > maxInterval:
		return false, errInterval
	case d.Year() < 1 || d.Year() > 9999:
		return false, errYear
	}
	o.Interval = max(o.Interval, 1)
	for _, l := range []*[]int{&o.Bysetpos, &o.Bymonth, &o.Bymonthday, &o.Byyearday, &o.Byweekno, &o.Byhour, &o.Byminute, &o.Bysecond} {
		slices.Sort(*l)
		*l = slices.Compact(*l)
	}
	o.Byweekday = uniqueWeekdays(o.Byweekday)
	defaults(o, d)
	times := len(o.Byhour) * len(o.Byminute) * len(o.Bysecond)
	if o.Freq < rrule.HOURLY && times > maxTimes {
		return false, errTimes
	}
	if len(o.Bysetpos) > 0 {
		o.Bysetpos = slices.DeleteFunc(o.Bysetpos, func(p int) bool { return abs(p) > setSize(o) })
		if len(o.Bysetpos) == 0 {
			return true, nil
		}
	}
	return !reachable(o, d), nil
}

// defaults sets what rrule-go's NewRRule would take from DTSTART.
func defaults(o *rrule.ROption, d time.Time) {
	if len(o.Byweekno) == 0 && len(o.Byyearday) == 0 && len(o.Bymonthday) == 0 && len(o.Byweekday) == 0 {
		switch o.Freq {
		case rrule.YEARLY:
			if len(o.Bymonth) == 0 {
				o.Bymonth = []int{int(d.Month())}
			}
			o.Bymonthday = []int{d.Day()}
		case rrule.MONTHLY:
			o.Bymonthday = []int{d.Day()}
		case rrule.WEEKLY:
			o.Byweekday = []rrule.Weekday{weekdayOf(d)}
		}
	}
	if len(o.Byhour) == 0 && o.Freq < rrule.HOURLY {
		o.Byhour = []int{d.Hour()}
	}
	if len(o.Byminute) == 0 && o.Freq < rrule.MINUTELY {
		o.Byminute = []int{d.Minute()}
	}
	if len(o.Bysecond) == 0 && o.Freq < rrule.SECONDLY {
		o.Bysecond = []int{d.Second()}
	}
}

// weekdayOf is d's weekday as rrule-go names it.
func weekdayOf(d time.Time) rrule.Weekday {
	return []rrule.Weekday{rrule.SU, rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA}[d.Weekday()]
}

func uniqueWeekdays(ws []rrule.Weekday) []rrule.Weekday {
	var out []rrule.Weekday
	seen := map[rrule.Weekday]bool{}
	for _, w := range ws {
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}

// setSize is the most occurrences one period can hold, the bound of
// BYSETPOS (RFC 5545 §3.3.10: it indexes the set of a period).
func setSize(o *rrule.ROption) int {
	n := max(len(o.Byhour), 1) * max(len(o.Byminute), 1) * max(len(o.Bysecond), 1)
	switch o.Freq {
	case rrule.YEARLY:
		return 366 * n
	case rrule.MONTHLY:
		return 31 * n
	case rrule.WEEKLY:
		return 7 * n
	case rrule.HOURLY:
		return max(len(o.Byminute), 1) * max(len(o.Bysecond), 1)
	case rrule.MINUTELY:
		return max(len(o.Bysecond), 1)
	case rrule.SECONDLY:
		return 1
	}
	return n // DAILY
}

// reachable reports whether the times of day that an HOURLY, MINUTELY
// or SECONDLY rule steps through from d, INTERVAL apart, meet its
// BYHOUR, BYMINUTE and BYSECOND filters. Counted in the rule's unit from
// midnight, the times reached are those congruent to d's modulo g =
// gcd(INTERVAL, units in a day); a time allowed is hour + minute +
// second, one from each filter (every value when there is none), so the
// question is whether the sums of their residues modulo g hold d's:
// about 24 × 60 + 60 operations at most.
func reachable(o *rrule.ROption, d time.Time) bool {
	if !timeFiltered(o) {
		return true
	}
	unit := int(periodSeconds(o.Freq))
	g := gcd(o.Interval, 86400/unit)
	want := (d.Hour()*3600 + d.Minute()*60 + d.Second()) / unit % g
	sums := map[int]bool{}
	for _, h := range values(o.Byhour, 24) {
		if o.Freq == rrule.HOURLY {
			sums[h%g] = true
			continue
		}
		for _, m := range values(o.Byminute, 60) {
			sums[(h*3600/unit+m*60/unit)%g] = true
		}
	}
	if o.Freq < rrule.SECONDLY {
		return sums[want]
	}
	for _, s := range values(o.Bysecond, 60) {
		if sums[((want-s)%g+g)%g] {
			return true
		}
	}
	return false
}

// values is a filter's values, or 0 to n-1 when it is empty.
func values(filter []int, n int) []int {
	if len(filter) > 0 {
		return filter
	}
	all := make([]int, n)
	for i := range all {
		all[i] = i
	}
	return all
}

// timeFiltered reports an HOURLY, MINUTELY or SECONDLY rule whose
// BYHOUR, BYMINUTE or BYSECOND limit the times it steps through (RFC
// 5545 §3.3.10, the table of BYxxx that limit or expand).
func timeFiltered(o *rrule.ROption) bool {
	return o.Freq >= rrule.HOURLY && (len(o.Byhour) > 0 || o.Freq >= rrule.MINUTELY && len(o.Byminute) > 0 ||
		o.Freq == rrule.SECONDLY && len(o.Bysecond) > 0)
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// times are the BYHOUR, BYMINUTE and BYSECOND that limit the times of an
// HOURLY, MINUTELY or SECONDLY rule (RFC 5545 §3.3.10: for those
// frequencies they limit; for the others they expand). The engine skips
// the times they drop in an inner loop that it runs even through days
// that its day filters then drop, 86,400 times a day for FREQ=SECONDLY,
// and that loop cannot be stopped: FREQ=SECONDLY;BYHOUR=23;BYMONTH=2;
// BYMONTHDAY=30 would run for hours. So the engine runs the rule without
// them, and the walker drops what they would drop, each time it sees
// charged as a step. COUNT counts what they keep, so the walker applies
// it too. The engine steps through the same times either way.
type times struct{ hours, minutes, seconds []int } // empty: any

// stripTimes takes the limiting BYHOUR, BYMINUTE and BYSECOND out of o.
func stripTimes(o *rrule.ROption) times {
	t := times{hours: o.Byhour}
	o.Byhour = nil
	if o.Freq >= rrule.MINUTELY {
		t.minutes, o.Byminute = o.Byminute, nil
	}
	if o.Freq == rrule.SECONDLY {
		t.seconds, o.Bysecond = o.Bysecond, nil
	}
	return t
}

// keeps reports whether the wall-clock time v passes the filters.
func (t times) keeps(v time.Time) bool {
	return allows(t.hours, v.Hour()) && allows(t.minutes, v.Minute()) && allows(t.seconds, v.Second())
}

// allows: an empty filter allows every value.
func allows(filter []int, v int) bool {
	return len(filter) == 0 || slices.Contains(filter, v)
}
