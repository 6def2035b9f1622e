package recur

import (
	"container/heap"
	"errors"

	"github.com/emersion/go-ical"
)

// Expand calls fn with every instance of the object that overlaps r by
// the rules of RFC 4791 §9.9, in order of start, until fn returns false:
// the masters' instances (RRULE, RDATE, DTSTART; minus EXDATE and the
// overridden ones) and each override's at its own time, so that an
// override that moves an instance into r yields it and one that moves it
// out does not.
//
// It stops with a *LimitError when b or the object's share of it is
// spent; b.Truncated then reports it. A component that cannot be
// expanded (a date or rule that does not parse) is left out and its
// error returned at the end, joined with the others.
func (o *Object) Expand(r Range, b *Budget, fn func(Instance) bool) error {
	var h streams
	var errs []error
	for _, s := range o.all {
		st, err := o.stream(s, r, b)
		if err == nil {
			err = h.add(st)
		}
		if isLimit(err) {
			return err
		} else if err != nil {
			errs = append(errs, err)
		}
	}
	heap.Init(&h)
	for h.Len() > 0 {
		top := h[0]
		in := top.cur
		if err := h.advance(); isLimit(err) {
			return err
		} else if err != nil {
			errs = append(errs, err)
		}
		if !top.st.overlaps(in) {
			continue
		}
		if err := b.instance(b.of(o)); err != nil {
			return err
		}
		if !fn(in) {
			return nil
		}
	}
	return errors.Join(errs...)
}

// Meets reports whether the component c of the object (a VEVENT or
// VTODO) has an instance that overlaps r (RFC 4791 §9.9): a master by
// its instances that no override replaces, an override by its own.
// Errors are as for Expand; a component of another object is not met.
func (o *Object) Meets(c *ical.Component, r Range, b *Budget) (bool, error) {
	s := o.byComp[c]
	if s == nil {
		return false, nil
	}
	st, err := o.stream(s, r, b)
	if err != nil {
		return false, err
	}
	for {
		in, ok, err := st.instance()
		if err != nil || !ok {
			return false, err
		}
		if st.overlaps(in) {
			return true, b.instance(b.of(o))
		}
	}
}

// isLimit reports a *LimitError.
func isLimit(err error) bool {
	var le *LimitError
	return errors.As(err, &le)
}

// streams is a heap of streams by the start of their current instance,
// then by their order in the object.
type streams []*head

type head struct {
	st  *stream
	cur Instance
	idx int
}

// add reads st's first instance and keeps st if it has one.
func (h *streams) add(st *stream) error {
	in, ok, err := st.instance()
	if ok {
		*h = append(*h, &head{st: st, cur: in, idx: len(*h)})
	}
	return err
}

// advance moves the first stream to its next instance, or drops it.
func (h *streams) advance() error {
	top := (*h)[0]
	in, ok, err := top.st.instance()
	if !ok {
		heap.Pop(h)
		return err
	}
	top.cur = in
	heap.Fix(h, 0)
	return nil
}

func (h streams) Len() int { return len(h) }
func (h streams) Less(i, j int) bool {
	if c := h[i].cur.Start.Compare(h[j].cur.Start); c != 0 {
		return c < 0
	}
	return h[i].idx < h[j].idx
}
func (h streams) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *streams) Push(x any)   { *h = append(*h, x.(*head)) }
func (h *streams) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
