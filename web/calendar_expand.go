package web

import (
	"errors"
	"sort"
	"strings"
	"time"

	"github.com/emersion/go-ical"
	"github.com/teambition/rrule-go"

	"groupd/groups"
)

// Recurring events are expanded to their occurrences here (RFC 5545
// §3.8.5: RRULE, RDATE, EXDATE; §3.8.4.4: RECURRENCE-ID overrides), with
// bounded work: a hostile rule (FREQ=SECONDLY from long ago, a COUNT of
// millions) costs at most stepsPerObject iterations, a page at most
// stepsPerPage (about 0.1 s), and a page shows at most maxInstances
// occurrences, maxPerObject of one event (so that one busy series does
// not crowd out the rest).
const (
	stepsPerObject = 100_000
	stepsPerPage   = 1_000_000
	maxInstances   = 400
	maxPerObject   = 120
)

// instance is one occurrence of an event, in the viewer's time zone.
type instance struct {
	Name        string // the object's resource name, for its edit link
	Summary     string
	Location    string
	Description string
	Start, End  time.Time
	AllDay      bool
	Recurring   bool
}

// expander collects the occurrences that meet [from, to).
type expander struct {
	tz        *time.Location // the viewer's: floating times and dates
	from, to  time.Time
	steps     int // iterations left for the page
	out       []instance
	truncated bool // occurrences were left out to keep the bounds
}

func newExpander(tz *time.Location, from, to time.Time) *expander {
	return &expander{tz: tz, from: from, to: to, steps: stepsPerPage}
}

// object adds the occurrences of one stored object. An object that does
// not parse is skipped: a CalDAV client may have stored what the console
// cannot read, and the rest of the calendar must still show.
func (x *expander) object(o *groups.CalObject) {
	cal, err := decodeCal(o.Data)
	if err != nil {
		return
	}
	z := newZones(cal, x.tz)
	overridden := map[int64]bool{}
	for _, c := range cal.Children {
		if c.Name == ical.CompEvent && c.Props.Get(ical.PropRecurrenceID) != nil {
			if t, _, ok := z.prop(c, ical.PropRecurrenceID); ok {
				overridden[t.Unix()] = true
			}
		}
	}
	for _, c := range cal.Children {
		if c.Name == ical.CompEvent {
			x.event(z, o.Name, c, overridden)
		}
	}
}

// event adds the occurrences of one VEVENT; an override is its own one
// occurrence, a master skips the overridden ones.
func (x *expander) event(z *zones, name string, c *ical.Component, overridden map[int64]bool) {
	start, date, ok := z.prop(c, ical.PropDateTimeStart)
	if !ok {
		return
	}
	dur, ok := z.duration(c, start, date)
	if !ok {
		return
	}
	base := instance{Name: name, Summary: textProp(c, ical.PropSummary), Location: textProp(c, ical.PropLocation),
		Description: textProp(c, ical.PropDescription), AllDay: date,
		Recurring: c.Props.Get(ical.PropRecurrenceRule) != nil || c.Props.Get(ical.PropRecurrenceDates) != nil ||
			c.Props.Get(ical.PropRecurrenceID) != nil}
	skip := overridden
	if c.Props.Get(ical.PropRecurrenceID) != nil {
		skip = nil
		c = withoutRecurrence(c)
	}
	budget, n := min(stepsPerObject, x.steps), 0
	used, err := z.occurrences(c, start, x.to, skip, budget, func(t time.Time) bool {
		in := base
		in.Start, in.End = t.In(x.tz), t.Add(dur).In(x.tz)
		if date { // whole days, whatever daylight saving does to 24 h
			in.End = in.Start.AddDate(0, 0, max(int((dur+12*time.Hour)/(24*time.Hour)), 1))
		}
		if in.Start.Before(x.to) && (in.End.After(x.from) || !in.End.After(in.Start) && !in.Start.Before(x.from)) {
			if len(x.out) >= maxInstances || n >= maxPerObject {
				x.truncated = true
				return false
			}
			x.out = append(x.out, in)
			n++
		}
		return true
	})
	x.steps -= used
	if err == nil && used >= budget && c.Props.Get(ical.PropRecurrenceRule) != nil {
		x.truncated = true // the rule goes on past the work allowed
	}
}

// withoutRecurrence is an override seen as a single event: its own
// DTSTART, no rule of the series.
func withoutRecurrence(c *ical.Component) *ical.Component {
	cp := *c
	cp.Props = ical.Props{}
	for k, v := range c.Props {
		if k != ical.PropRecurrenceRule && k != ical.PropRecurrenceDates && k != ical.PropExceptionDates {
			cp.Props[k] = v
		}
	}
	return &cp
}

// sorted is the occurrences by start, all-day ones first on a day, then
// by title.
func (x *expander) sorted() []instance {
	sort.SliceStable(x.out, func(i, j int) bool {
		a, b := x.out[i], x.out[j]
		if !a.Start.Equal(b.Start) {
			return a.Start.Before(b.Start)
		}
		if a.AllDay != b.AllDay {
			return a.AllDay
		}
		return strings.ToLower(a.Summary) < strings.ToLower(b.Summary)
	})
	return x.out
}

// occurrences calls fn with every occurrence start of c (DTSTART, RRULE,
// RDATE, minus EXDATE and skip) before until, in order for the rule and
// RDATEs first, until fn returns false; it walks at most budget rule
// iterations and returns how many it used. The rrule library panics on
// some rules it accepts: that is recovered as an error.
func (z *zones) occurrences(c *ical.Component, start, until time.Time, skip map[int64]bool, budget int, fn func(time.Time) bool) (used int, err error) {
	defer func() {
		if recover() != nil {
			err = errors.New("the recurrence rule cannot be expanded (RFC 5545 §3.3.10)")
		}
	}()
	ex := map[int64]bool{}
	for k := range skip {
		ex[k] = true
	}
	for _, t := range z.list(c, ical.PropExceptionDates) {
		ex[t.Unix()] = true
	}
	for _, t := range z.list(c, ical.PropRecurrenceDates) {
		if !ex[t.Unix()] && t.Before(until) && !fn(t) {
			return 0, nil
		}
	}
	p := c.Props.Get(ical.PropRecurrenceRule)
	if p == nil {
		if !ex[start.Unix()] {
			fn(start)
		}
		return 0, nil
	}
	opt, err := rrule.StrToROptionInLocation(p.Value, start.Location())
	if err != nil {
		return 0, err
	}
	opt.Dtstart = start
	rule, err := rrule.NewRRule(*opt)
	if err != nil {
		return 0, err
	}
	next := rule.Iterator()
	for used < budget {
		used++
		t, ok := next()
		if !ok || !t.Before(until) {
			return used, nil
		}
		if !ex[t.Unix()] && !fn(t) {
			return used, nil
		}
	}
	return used, nil
}
