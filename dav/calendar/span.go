package calendar

import (
	"math"
	"strings"
	"time"

	"github.com/emersion/go-ical"
)

// slack widens every span: floating times are matched in the query's
// zone, which may be up to 14 hours off UTC.
const slack = 14 * 3600

// span bounds the instances of an object in unix seconds, for the
// store's calendar-query candidates: a superset is fine, a subset is not.
// VTODOs, unparseable dates and endless rules span everything.
func span(cal *ical.Calendar) (first, last int64) {
	first, last = math.MaxInt64, math.MinInt64
	z := newZones(cal, time.UTC)
	all := func() (int64, int64) { return math.MinInt64, math.MaxInt64 }
	for _, c := range cal.Children {
		switch c.Name {
		case ical.CompTimezone:
			continue
		case ical.CompEvent:
		default:
			return all()
		}
		start, date, ok, err := z.dtProp(c, ical.PropDateTimeStart)
		if err != nil || !ok {
			return all()
		}
		dur, err := z.duration(c, start, date, ical.PropDateTimeEnd)
		if err != nil {
			return all()
		}
		lo, hi := start.Unix(), start.Add(max(dur, 0)).Unix()
		if rid, _, ok, err := z.dtProp(c, ical.PropRecurrenceID); err != nil {
			return all()
		} else if ok {
			lo, hi = min(lo, rid.Unix()), max(hi, rid.Unix())
		}
		if rr := c.Props.Get(ical.PropRecurrenceRule); rr != nil && endless(rr.Value) {
			// RFC 5545 §3.3.10: without COUNT or UNTIL the rule never
			// ends; no instance comes before DTSTART but an RDATE may.
			rdates, err := z.dtList(c, ical.PropRecurrenceDates)
			if err != nil {
				return all()
			}
			for _, r := range rdates {
				lo = min(lo, r.start.Unix())
			}
			first, last = min(first, lo), math.MaxInt64
			continue
		}
		if c.Props.Get(ical.PropRecurrenceRule) != nil || c.Props.Get(ical.PropRecurrenceDates) != nil {
			var n int
			var end int64
			err := z.occurrences(c, start, date, time.Time{}, nil, func(t time.Time, d time.Duration) bool {
				n++
				if d < 0 {
					d = dur
				}
				lo, end = min(lo, t.Unix()), max(end, t.Add(max(d, 0)).Unix())
				return n < 10000
			})
			if err != nil || n >= 10000 {
				return all()
			}
			hi = max(hi, end)
		}
		first, last = min(first, lo), max(last, hi)
	}
	if first > last {
		return all()
	}
	return sat(first, -slack), sat(last, slack)
}

// endless reports whether an RRULE value has neither COUNT nor UNTIL.
func endless(rule string) bool {
	r := strings.ToUpper(rule)
	return !strings.Contains(r, "COUNT=") && !strings.Contains(r, "UNTIL=")
}

// sat is a + d, kept within int64.
func sat(a, d int64) int64 {
	switch {
	case d > 0 && a > math.MaxInt64-d:
		return math.MaxInt64
	case d < 0 && a < math.MinInt64-d:
		return math.MinInt64
	}
	return a + d
}
