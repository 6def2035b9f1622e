package recur

import (
	"slices"
	"time"

	"github.com/emersion/go-ical"
)

// Object is a calendar object resource (RFC 4791 §4.1) ready for
// expansion: its VEVENTs or VTODOs, sharing a UID, are a master (with
// RRULE, RDATE, EXDATE) and overrides (RECURRENCE-ID, RFC 5545 §3.8.4.4)
// that replace one instance each. Objects stored before they were
// checked may hold several masters, or components of several UIDs: each
// master is expanded, minus the overrides of its UID.
//
// An Object may serve several requests, each with its Budget, one at a
// time: it is not safe for concurrent use (its Zones cache look-ups).
// The parsed calendar is only read.
type Object struct {
	z      *Zones
	all    []*series // in the object's order
	byComp map[*ical.Component]*series
}

// series is one VEVENT or VTODO: a master and the instances it
// generates, or an override and its one instance.
type series struct {
	comp      *ical.Component
	override  bool
	rid       time.Time // an override's RECURRENCE-ID
	shape     shape
	none      bool // no instance: a VEVENT without DTSTART
	start     time.Time
	date      bool // DTSTART is a DATE: an all-day instance
	length    Length
	rule      *rule    // nil: no RRULE
	extra     []Period // DTSTART and the RDATEs, by start
	exdates   map[int64]bool
	overrides map[int64]bool // recurrence ids of the UID's overrides
	todo      undated
	err       error // the component cannot be expanded
}

// NewObject reads cal; floating is the zone of floating times and dates.
// Components that cannot be read are kept with their error, which
// Expand and Meets report; the others expand.
func NewObject(cal *ical.Calendar, floating *time.Location) *Object {
	o := &Object{z: NewZones(cal, floating), byComp: map[*ical.Component]*series{}}
	overridden := map[string]map[int64]bool{} // by UID
	for _, c := range cal.Children {
		if c.Name != ical.CompEvent && c.Name != ical.CompToDo {
			continue
		}
		s := o.parse(c)
		o.all = append(o.all, s)
		o.byComp[c] = s
		if s.override && s.err == nil {
			uid, _ := c.Props.Text(ical.PropUID)
			if overridden[uid] == nil {
				overridden[uid] = map[int64]bool{}
			}
			overridden[uid][s.rid.Unix()] = true
		}
	}
	for _, s := range o.all {
		uid, _ := s.comp.Props.Text(ical.PropUID)
		s.overrides = overridden[uid]
	}
	return o
}

// Zones are the object's zones, for its other date properties.
func (o *Object) Zones() *Zones { return o.z }

// parse reads one component's dates, length and recurrence.
func (o *Object) parse(c *ical.Component) *series {
	s := &series{comp: c, override: c.Props.Get(ical.PropRecurrenceID) != nil}
	if s.override {
		if s.rid, _, _, s.err = o.z.Prop(c, ical.PropRecurrenceID); s.err != nil {
			return s
		}
	}
	start, date, ok, err := o.z.Prop(c, ical.PropDateTimeStart)
	switch {
	case err != nil:
		s.err = err
		return s
	case !ok && c.Name == ical.CompToDo:
		s.shape, s.err = shapeTodoUndated, o.undated(c, &s.todo)
		return s
	case !ok:
		s.none = true
		return s
	}
	s.start, s.date = start, date
	l, has, err := o.z.length(c, start, date)
	if err != nil {
		s.err = err
		return s
	}
	if l.negative() {
		l = Length{}
	}
	s.length, s.shape = l, todoShape(c, has)
	if !s.override {
		s.err = o.recurrence(c, s)
	}
	return s
}

// todoShape is the §9.9 row of a VTODO with DTSTART (shapeEvent for a
// VEVENT); has reports DUE or DURATION.
func todoShape(c *ical.Component, has bool) shape {
	switch {
	case c.Name != ical.CompToDo:
		return shapeEvent
	case has && c.Props.Get(ical.PropDue) != nil:
		return shapeTodoDue
	case has:
		return shapeTodoDuration
	}
	return shapeTodoStart
}

// recurrence reads a master's EXDATE, RDATE and RRULE (RFC 5545
// §3.8.5). DTSTART is the first instance of the set, whether or not the
// rule yields it.
func (o *Object) recurrence(c *ical.Component, s *series) error {
	ex, err := o.z.List(c, ical.PropExceptionDates)
	if err != nil {
		return err
	}
	for _, e := range ex {
		if s.exdates == nil {
			s.exdates = map[int64]bool{}
		}
		s.exdates[e.Start.Unix()] = true
	}
	rd, err := o.z.List(c, ical.PropRecurrenceDates)
	if err != nil {
		return err
	}
	s.extra = append([]Period{{Start: s.start}}, rd...)
	slices.SortStableFunc(s.extra, func(a, b Period) int { return a.Start.Compare(b.Start) })
	if p := c.Props.Get(ical.PropRecurrenceRule); p != nil {
		s.rule, err = parseRule(p.Value, s.start)
	}
	return err
}

// undated reads DUE, COMPLETED and CREATED of a VTODO without DTSTART.
func (o *Object) undated(c *ical.Component, u *undated) (err error) {
	if u.due, _, u.hasDue, err = o.z.Prop(c, ical.PropDue); err != nil {
		return err
	}
	if u.completed, _, u.hasCompleted, err = o.z.Prop(c, ical.PropCompleted); err != nil {
		return err
	}
	u.created, _, u.hasCreated, err = o.z.Prop(c, ical.PropCreated)
	return err
}

// skipped reports an instance start that EXDATE removes or an override
// replaces.
func (s *series) skipped(t time.Time) bool {
	return s.exdates[t.Unix()] || s.overrides[t.Unix()]
}
