package recur

import (
	"time"

	"github.com/emersion/go-ical"
)

// Instance is one instance of a calendar component.
type Instance struct {
	Start, End time.Time // End equals Start for an instant
	// Comp is the component whose properties hold for the instance: the
	// master, or the override that replaces this instance.
	Comp     *ical.Component
	Override bool
	// RecurrenceID is the start the recurrence set gives the instance
	// (RFC 5545 §3.8.4.4): its own start for the master's instances, the
	// RECURRENCE-ID for an override's.
	RecurrenceID time.Time
	// AllDay: DTSTART is a DATE; Start and End are midnights in the
	// floating zone.
	AllDay bool
}

// stream yields a series' instances in order of start, up to the end
// of a range: the rule's occurrences merged with DTSTART and the RDATEs,
// each start once, minus EXDATE and the overridden ones.
type stream struct {
	s     *series
	r     Range
	w     *walker  // nil: no rule
	extra []Period // DTSTART and RDATEs still to come
	next  time.Time
	ahead bool // next holds the rule's next occurrence
	last  time.Time
	any   bool // last is set
	done  bool
	past  bool // it stopped at a start past the range
}

// stream starts s's instances for r, charging o's budget.
func (o *Object) stream(s *series, r Range, b *Budget) (*stream, error) {
	if err := b.check(b.of(o)); err != nil {
		return nil, err
	}
	if s.err != nil {
		return nil, s.err
	}
	st := &stream{s: s, r: r, extra: s.extra, done: s.none}
	if s.rule != nil {
		w, err := s.rule.walk(r.Start, r.End, s.length.Upper(), b, b.of(o))
		if err != nil {
			return nil, err
		}
		st.w = w
	}
	return st, nil
}

// instance is the stream's next instance; ok is false at its end.
func (st *stream) instance() (in Instance, ok bool, err error) {
	s := st.s
	if st.done {
		return Instance{}, false, nil
	}
	if s.override || s.shape == shapeTodoUndated {
		st.done = true
		return st.single(), true, nil
	}
	for {
		t, l, ok, err := st.start()
		if err != nil || !ok {
			st.done = true
			return Instance{}, false, err
		}
		if st.any && t.Equal(st.last) || s.skipped(t) {
			st.last, st.any = t, true
			continue
		}
		st.last, st.any = t, true
		return Instance{Start: t, End: l.After(t), Comp: s.comp, RecurrenceID: t, AllDay: s.date}, true, nil
	}
}

// start is the next start of the set and its length, the earlier of
// the rule's next occurrence and the next of DTSTART and the RDATEs;
// ok is false past the range's end or at the end of both.
func (st *stream) start() (time.Time, Length, bool, error) {
	if st.w != nil && !st.ahead {
		t, ok, err := st.w.occurrence()
		if err != nil {
			return time.Time{}, Length{}, false, err
		}
		st.next, st.ahead = t, ok
	}
	var t time.Time
	l := st.s.length
	switch {
	case len(st.extra) > 0 && (!st.ahead || !st.extra[0].Start.After(st.next)):
		p := st.extra[0]
		st.extra = st.extra[1:]
		t = p.Start
		if p.HasLength && !p.Length.negative() {
			l = p.Length
		}
	case st.ahead:
		t, st.ahead = st.next, false
	default:
		return time.Time{}, Length{}, false, nil
	}
	if !st.r.End.IsZero() && t.After(st.r.End) {
		st.past = true
		return time.Time{}, Length{}, false, nil
	}
	return t, l, true, nil
}

// single is the one instance of an override or of a VTODO without
// DTSTART (placed at its DUE, if any).
func (st *stream) single() Instance {
	s := st.s
	in := Instance{Comp: s.comp, Override: s.override, RecurrenceID: s.rid, AllDay: s.date}
	if s.shape == shapeTodoUndated {
		in.Start, in.End = s.todo.due, s.todo.due
		return in
	}
	in.Start, in.End = s.start, s.length.After(s.start)
	return in
}

// overlaps applies RFC 4791 §9.9 to an instance of the stream.
func (st *stream) overlaps(in Instance) bool {
	return st.r.overlaps(st.s.shape, in.Start, in.End, &st.s.todo)
}

// Range is a time range [Start, End) as CALDAV:time-range gives it (RFC
// 4791 §9.9); a zero Start or End leaves that side open.
type Range struct{ Start, End time.Time }

func (r Range) startBefore(x time.Time) bool { return r.Start.IsZero() || r.Start.Before(x) } // start < x
func (r Range) startLE(x time.Time) bool     { return r.Start.IsZero() || !r.Start.After(x) } // start <= x
func (r Range) endAfter(x time.Time) bool    { return r.End.IsZero() || r.End.After(x) }      // end > x
func (r Range) endGE(x time.Time) bool       { return r.End.IsZero() || !r.End.Before(x) }    // end >= x

// Contains reports start <= t < end, the test of a prop-filter's
// time-range on a date property (RFC 4791 §9.9, last table).
func (r Range) Contains(t time.Time) bool { return r.startLE(t) && r.endAfter(t) }

// shape says which row of RFC 4791 §9.9 decides whether an instance
// overlaps a range.
type shape uint8

const (
	shapeEvent        shape = iota // VEVENT: its start and end, or the instant it starts
	shapeTodoDue                   // VTODO with DTSTART and DUE
	shapeTodoDuration              // VTODO with DTSTART and DURATION
	shapeTodoStart                 // VTODO with DTSTART only
	shapeTodoUndated               // VTODO without DTSTART
)

// undated holds the dates that place a VTODO without DTSTART.
type undated struct {
	due, completed, created          time.Time
	hasDue, hasCompleted, hasCreated bool
}

// overlaps applies RFC 4791 §9.9 to the instance [s, e) of shape sh.
func (r Range) overlaps(sh shape, s, e time.Time, u *undated) bool {
	switch sh {
	case shapeEvent:
		if e.After(s) {
			return r.startBefore(e) && r.endAfter(s)
		}
		return r.startLE(s) && r.endAfter(s)
	case shapeTodoDue:
		return (r.startBefore(e) || r.startLE(s)) && (r.endAfter(s) || r.endGE(e))
	case shapeTodoDuration:
		return r.startLE(e) && (r.endAfter(s) || r.endGE(e))
	case shapeTodoStart:
		return r.startLE(s) && r.endAfter(s)
	}
	return r.overlapsUndated(u)
}

// overlapsUndated is the VTODO table's rows without DTSTART: by DUE,
// by COMPLETED and CREATED, by one of them, or always.
func (r Range) overlapsUndated(u *undated) bool {
	switch {
	case u.hasDue:
		return r.startBefore(u.due) && r.endGE(u.due)
	case u.hasCompleted && u.hasCreated:
		return (r.startLE(u.created) || r.startLE(u.completed)) && (r.endGE(u.created) || r.endGE(u.completed))
	case u.hasCompleted:
		return r.startLE(u.completed) && r.endGE(u.completed)
	case u.hasCreated:
		return r.endAfter(u.created)
	}
	return true
}
