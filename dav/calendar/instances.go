package calendar

import (
	"time"

	"github.com/emersion/go-ical"
)

// window is a CALDAV:time-range (RFC 4791 §9.9); a zero end is open.
type window struct{ start, end time.Time }

func (w window) startBefore(x time.Time) bool { return w.start.IsZero() || w.start.Before(x) } // start < x
func (w window) startLE(x time.Time) bool     { return w.start.IsZero() || !w.start.After(x) } // start <= x
func (w window) endAfter(x time.Time) bool    { return w.end.IsZero() || w.end.After(x) }      // end > x
func (w window) endGE(x time.Time) bool       { return w.end.IsZero() || !w.end.Before(x) }    // end >= x

// eachInstance calls fn with the start and end of every instance of the
// VEVENT or VTODO c that overlaps w by the rules of RFC 4791 §9.9,
// expanding RRULE and RDATE, skipping EXDATE and the recurrence ids in
// skip (instances moved by RECURRENCE-ID overrides), until fn returns
// false.
func (z *zones) eachInstance(c *ical.Component, skip map[int64]bool, w window, fn func(s, e time.Time) bool) error {
	start, date, hasStart, err := z.dtProp(c, ical.PropDateTimeStart)
	if err != nil {
		return err
	}
	if c.Name == ical.CompToDo {
		return z.eachTodo(c, start, date, hasStart, skip, w, fn)
	}
	if !hasStart {
		return nil
	}
	dur, err := z.duration(c, start, date, ical.PropDateTimeEnd)
	if err != nil {
		return err
	}
	if c.Props.Get(ical.PropRecurrenceID) != nil {
		skip = nil // an override is its one instance
	}
	return z.occurrences(c, start, date, w.end, skip, func(t time.Time, d time.Duration) bool {
		if d < 0 {
			d = dur
		}
		e := t.Add(d)
		if d > 0 && w.startBefore(e) && w.endAfter(t) || d <= 0 && w.startLE(t) && w.endAfter(t) {
			return fn(t, e)
		}
		return true
	})
}

// duration is END - START, else DURATION, else a day for a DATE start
// (RFC 5545 §3.6.1), else zero.
func (z *zones) duration(c *ical.Component, start time.Time, date bool, endProp string) (time.Duration, error) {
	if end, _, ok, err := z.dtProp(c, endProp); err != nil {
		return 0, err
	} else if ok {
		return end.Sub(start), nil
	}
	if p := c.Props.Get(ical.PropDuration); p != nil {
		return p.Duration()
	}
	if date && endProp == ical.PropDateTimeEnd {
		return 24 * time.Hour, nil
	}
	return 0, nil
}

// eachTodo applies the VTODO table of RFC 4791 §9.9.
func (z *zones) eachTodo(c *ical.Component, start time.Time, date, hasStart bool, skip map[int64]bool, w window, fn func(s, e time.Time) bool) error {
	due, _, hasDue, err := z.dtProp(c, ical.PropDue)
	if err != nil {
		return err
	}
	if !hasStart {
		completed, _, hasCompleted, err := z.dtProp(c, ical.PropCompleted)
		if err != nil {
			return err
		}
		created, _, hasCreated, err := z.dtProp(c, ical.PropCreated)
		if err != nil {
			return err
		}
		var ok bool
		switch {
		case hasDue:
			ok = w.startBefore(due) && w.endGE(due)
		case hasCompleted && hasCreated:
			ok = (w.startLE(created) || w.startLE(completed)) && (w.endGE(created) || w.endGE(completed))
		case hasCompleted:
			ok = w.startLE(completed) && w.endGE(completed)
		case hasCreated:
			ok = w.endAfter(created)
		default:
			ok = true
		}
		if ok {
			fn(due, due)
		}
		return nil
	}
	durProp := c.Props.Get(ical.PropDuration)
	var dur time.Duration
	if hasDue {
		dur = due.Sub(start)
	} else if durProp != nil {
		if dur, err = durProp.Duration(); err != nil {
			return err
		}
	}
	if c.Props.Get(ical.PropRecurrenceID) != nil {
		skip = nil
	}
	return z.occurrences(c, start, date, w.end, skip, func(s time.Time, d time.Duration) bool {
		if d < 0 {
			d = dur
		}
		e := s.Add(d)
		var ok bool
		switch {
		case hasDue:
			ok = (w.startBefore(e) || w.startLE(s)) && (w.endAfter(s) || w.endGE(e))
		case durProp != nil:
			ok = w.startLE(e) && (w.endAfter(s) || w.endGE(e))
		default:
			ok = w.startLE(s) && w.endAfter(s)
		}
		if ok {
			return fn(s, e)
		}
		return true
	})
}
