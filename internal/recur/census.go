package recur

import (
	"errors"
	"time"
)

// errUnbounded is an object whose instances Span cannot bound.
var errUnbounded = errors.New("the instances of a VTODO without DTSTART have no span")

// Span bounds the instances of the object: the earliest start and the
// latest end, RECURRENCE-IDs included (a superset serves a store's
// time-range candidates; a subset would lose matches). endless reports a
// rule without COUNT or UNTIL (RFC 5545 §3.3.10), or with instances more
// than a century after its DTSTART: last is then meaningless. An error
// (a component that cannot be expanded, a VTODO without DTSTART, or b
// spent, as a *LimitError) leaves both unbounded.
func (o *Object) Span(b *Budget) (first, last time.Time, endless bool, err error) {
	seen := false
	widen := func(lo, hi time.Time) {
		if !seen || lo.Before(first) {
			first = lo
		}
		if !seen || hi.After(last) {
			last = hi
		}
		seen = true
	}
	for _, s := range o.all {
		switch {
		case s.err != nil:
			return first, last, false, s.err
		case s.shape == shapeTodoUndated:
			return first, last, false, errUnbounded
		case s.none:
			continue
		case s.override:
			widen(s.rid, s.rid)
		case s.rule != nil && !s.rule.empty && s.rule.opt.Count == 0 && s.rule.until.IsZero():
			endless = true
			for _, p := range s.extra {
				widen(p.Start, p.Start)
			}
			continue
		}
		st, err := o.stream(s, Range{End: s.start.Add(longForever)}, b)
		if err != nil {
			return first, last, false, err
		}
		for {
			in, ok, err := st.instance()
			if err != nil {
				return first, last, false, err
			}
			if !ok {
				break
			}
			widen(in.Start, laterOf(in.Start, in.End))
		}
		endless = endless || st.past
	}
	if !seen {
		return first, last, endless, errUnbounded
	}
	return first, last, endless, nil
}

// Count counts the object's instances as CALDAV:max-instances (RFC 4791
// §5.2.8) limits them, within a horizon so that rules without end can be
// judged too: each master's instances that start within horizon of its
// DTSTART, every RDATE, each override. Past b's ObjectInstances it stops
// with a *LimitError.
func (o *Object) Count(horizon time.Duration, b *Budget) (int, error) {
	n := 0
	for _, s := range o.all {
		if s.err != nil {
			return n, s.err
		}
		if s.none {
			continue
		}
		end := s.start.Add(horizon)
		st, err := o.stream(s, Range{End: end}, b)
		if err != nil {
			return n, err
		}
		for {
			_, ok, err := st.instance()
			if err == nil && ok {
				err = b.instance(b.of(o))
			}
			if err != nil {
				return n, err
			}
			if !ok {
				break
			}
			n++
		}
		for _, p := range s.extra {
			if p.Start.After(end) {
				if err := b.instance(b.of(o)); err != nil {
					return n, err
				}
				n++
			}
		}
	}
	return n, nil
}

func laterOf(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
