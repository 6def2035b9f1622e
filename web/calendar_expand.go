package web

import (
	"sort"
	"strings"
	"time"

	"github.com/emersion/go-ical"

	"groupd/groups"
	"groupd/internal/recur"
)

// Recurring events are expanded to their occurrences by internal/recur
// (RFC 5545 §3.8.5: RRULE, RDATE, EXDATE; §3.8.4.4: RECURRENCE-ID
// overrides), with bounded work: a hostile rule (FREQ=SECONDLY from long
// ago, a COUNT of millions) costs at most stepsPerObject steps of the
// rule engine, a page at most stepsPerPage (about 0.1 s), and a page
// shows at most maxInstances occurrences, maxPerObject of one event (so
// that one busy series does not crowd out the rest).
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
	r         recur.Range
	budget    *recur.Budget // the page's
	out       []instance
	truncated bool // occurrences were left out to keep the bounds
}

func newExpander(tz *time.Location, from, to time.Time) *expander {
	return &expander{tz: tz, r: recur.Range{Start: from, End: to}, budget: recur.NewBudget(recur.Limits{
		Steps: stepsPerPage, Instances: maxInstances, ObjectSteps: stepsPerObject, ObjectInstances: maxPerObject})}
}

// object adds the occurrences of one stored object. An object that does
// not parse is skipped: a CalDAV client may have stored what the console
// cannot read, and the rest of the calendar must still show.
func (x *expander) object(o *groups.CalObject) {
	if x.budget.Exhausted() {
		return // the page's limits are reached: nothing more would show
	}
	cal, err := decodeCal(o.Data)
	if err != nil {
		return
	}
	recur.NewObject(cal, x.tz).Expand(x.r, x.budget, func(in recur.Instance) bool {
		if in.Comp.Name == ical.CompEvent {
			x.out = append(x.out, x.instance(o.Name, in))
		}
		return true
	})
	x.truncated = x.budget.Truncated()
}

// instance is an occurrence as the pages show it: an override is
// "recurring" too, and an all-day event lasts at least its day.
func (x *expander) instance(name string, in recur.Instance) instance {
	c := in.Comp
	out := instance{Name: name, Summary: textProp(c, ical.PropSummary), Location: textProp(c, ical.PropLocation),
		Description: textProp(c, ical.PropDescription), AllDay: in.AllDay,
		Start: in.Start.In(x.tz), End: in.End.In(x.tz),
		Recurring: in.Override || c.Props.Get(ical.PropRecurrenceRule) != nil || c.Props.Get(ical.PropRecurrenceDates) != nil}
	if out.AllDay && !out.End.After(out.Start) {
		out.End = out.Start.AddDate(0, 0, 1)
	}
	return out
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
