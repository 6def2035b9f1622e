package calendar

import (
	"errors"
	"strings"
	"time"

	"github.com/emersion/go-ical"
	"github.com/teambition/rrule-go"
)

// maxSteps bounds the occurrences walked for one component, so that a
// hostile RRULE (FREQ=SECONDLY from year 1) cannot pin a CPU.
const maxSteps = 200000

// zones resolves TZID parameters: IANA names through the system database,
// else the VTIMEZONE of the object by its first standard offset, else the
// floating zone.
type zones struct {
	floating *time.Location
	vtz      map[string]*time.Location
}

func newZones(cal *ical.Calendar, floating *time.Location) *zones {
	z := &zones{floating: floating, vtz: map[string]*time.Location{}}
	for _, c := range cal.Children {
		if c.Name != ical.CompTimezone {
			continue
		}
		id, _ := c.Props.Text(ical.PropTimezoneID)
		if loc, err := time.LoadLocation(id); err == nil && id != "" && id != "Local" {
			z.vtz[id] = loc
			continue
		}
		for _, sub := range c.Children {
			if p := sub.Props.Get(ical.PropTimezoneOffsetTo); p != nil && sub.Name == ical.CompTimezoneStandard {
				if off, ok := parseOffset(p.Value); ok {
					z.vtz[id] = time.FixedZone(id, off)
				}
			}
		}
	}
	return z
}

func parseOffset(s string) (int, bool) {
	if len(s) < 5 || (s[0] != '+' && s[0] != '-') {
		return 0, false
	}
	t, err := time.Parse("1504", s[1:5])
	if err != nil {
		return 0, false
	}
	off := t.Hour()*3600 + t.Minute()*60
	if s[0] == '-' {
		off = -off
	}
	return off, true
}

func (z *zones) loc(tzid string) *time.Location {
	if tzid == "" {
		return z.floating
	}
	if l, ok := z.vtz[tzid]; ok {
		return l
	}
	if l, err := time.LoadLocation(tzid); err == nil && tzid != "Local" {
		z.vtz[tzid] = l
		return l
	}
	return z.floating
}

// dtValue parses one DATE or DATE-TIME value (RFC 5545 §3.3.4, §3.3.5).
func (z *zones) dtValue(v string, tzid string, date bool) (time.Time, bool, error) {
	v = strings.TrimSpace(v)
	if date || len(v) == 8 {
		t, err := time.ParseInLocation("20060102", v, z.floating)
		return t, true, err
	}
	if strings.HasSuffix(v, "Z") {
		t, err := time.Parse("20060102T150405Z", v)
		return t, false, err
	}
	t, err := time.ParseInLocation("20060102T150405", v, z.loc(tzid))
	return t, false, err
}

// dtProp parses a single-valued date property; ok false when absent.
func (z *zones) dtProp(c *ical.Component, name string) (t time.Time, date, ok bool, err error) {
	p := c.Props.Get(name)
	if p == nil {
		return time.Time{}, false, false, nil
	}
	t, date, err = z.dtValue(p.Value, p.Params.Get(ical.PropTimezoneID), p.ValueType() == ical.ValueDate)
	return t, date, err == nil, err
}

// dtList parses every value of every instance of a multi-valued date
// property (EXDATE, RDATE); PERIOD values give their start and duration.
func (z *zones) dtList(c *ical.Component, name string) ([]period, error) {
	var out []period
	for _, p := range c.Props.Values(name) {
		for _, v := range strings.Split(p.Value, ",") {
			start, rest, isPeriod := strings.Cut(v, "/")
			t, _, err := z.dtValue(start, p.Params.Get(ical.PropTimezoneID), p.ValueType() == ical.ValueDate)
			if err != nil {
				return nil, err
			}
			pd := period{start: t, dur: -1}
			if isPeriod {
				if strings.HasPrefix(rest, "P") || strings.HasPrefix(rest, "+P") || strings.HasPrefix(rest, "-P") {
					d, err := (&ical.Prop{Value: rest}).Duration()
					if err != nil {
						return nil, err
					}
					pd.dur = d
				} else if e, _, err := z.dtValue(rest, p.Params.Get(ical.PropTimezoneID), false); err == nil {
					pd.dur = e.Sub(t)
				} else {
					return nil, err
				}
			}
			out = append(out, pd)
		}
	}
	return out, nil
}

type period struct {
	start time.Time
	dur   time.Duration // -1: the component's own duration
}

// occurrences calls fn with the start of every occurrence of the
// recurring component c (RRULE and RDATE, minus EXDATE and the
// overridden recurrence ids), in no particular order for RDATEs, until fn
// returns false or the rule passes until (zero: no bound).
//
// The rrule library panics on some rules it accepts (an index out of
// range for FREQ=MONTHLY;BYDAY=0FR from a DTSTART in year 0): such a
// panic is recovered as an error, so a PUT refuses the object and a query
// never crashes on one stored before.
func (z *zones) occurrences(c *ical.Component, start time.Time, date bool, until time.Time, skip map[int64]bool, fn func(time.Time, time.Duration) bool) (err error) {
	defer func() {
		if recover() != nil {
			err = errors.New("the recurrence rule cannot be expanded (RFC 5545 §3.3.10)")
		}
	}()
	ex, err := z.dtList(c, ical.PropExceptionDates)
	if err != nil {
		return err
	}
	for _, e := range ex {
		if skip == nil {
			skip = map[int64]bool{}
		}
		skip[e.start.Unix()] = true
	}
	rdates, err := z.dtList(c, ical.PropRecurrenceDates)
	if err != nil {
		return err
	}
	for _, r := range rdates {
		if !skip[r.start.Unix()] && !fn(r.start, r.dur) {
			return nil
		}
	}
	p := c.Props.Get(ical.PropRecurrenceRule)
	if p == nil {
		if !skip[start.Unix()] {
			fn(start, -1)
		}
		return nil
	}
	opt, err := rrule.StrToROptionInLocation(p.Value, start.Location())
	if err != nil {
		return err
	}
	opt.Dtstart = start
	rule, err := rrule.NewRRule(*opt)
	if err != nil {
		return err
	}
	next := rule.Iterator()
	for i := 0; i < maxSteps; i++ {
		t, ok := next()
		if !ok || (!until.IsZero() && !t.Before(until)) {
			return nil
		}
		if skip[t.Unix()] {
			continue
		}
		if !fn(t, -1) {
			return nil
		}
	}
	return nil
}
