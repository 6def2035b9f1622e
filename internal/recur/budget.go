package recur

import (
	"fmt"
	"math"
)

// Limits bound the work of expansion. A step is one unit of the rule
// engine's work: an occurrence it computes, or a period it walks through
// without one (rule.go estimates those from the time skipped), roughly
// 20 to 100 ns each; an instance is one that Expand or Meets yields in
// the range asked for. Zero means no limit.
type Limits struct {
	// Steps and Instances bound everything expanded with one Budget: a
	// request, whatever the number of objects.
	Steps, Instances int
	// ObjectSteps and ObjectInstances bound one Object, over every call
	// on it with the Budget.
	ObjectSteps, ObjectInstances int
}

// Budget is the expansion allowance of one request, shared by the
// objects it expands; it keeps what each Object has used. Once a limit
// is reached the expansion in progress stops with a *LimitError, and
// Truncated reports it, so that the caller can mark its answer as
// partial. A Budget is not safe for concurrent use.
type Budget struct {
	lim       Limits
	spent     spent
	objects   map[*Object]*spent
	truncated *LimitError // the first limit reached
	exhausted bool        // a limit of the request was reached
}

// spent is what a Budget, or one object under it, has used.
type spent struct{ steps, instances int }

// NewBudget returns a budget with the limits l.
func NewBudget(l Limits) *Budget { return &Budget{lim: l, objects: map[*Object]*spent{}} }

// of is what o has used of b.
func (b *Budget) of(o *Object) *spent {
	s := b.objects[o]
	if s == nil {
		s = &spent{}
		b.objects[o] = s
	}
	return s
}

// LimitError says which limit cut an expansion short.
type LimitError struct {
	Object bool   // the object's own limit; else the request's
	What   string // "steps" or "instances"
	Limit  int
}

func (e *LimitError) Error() string {
	scope := "the request"
	if e.Object {
		scope = "one calendar object"
	}
	if e.What == "instances" {
		return fmt.Sprintf("more than %d recurrence instances for %s", e.Limit, scope)
	}
	return fmt.Sprintf("expanding the recurrences of %s takes more than %d steps", scope, e.Limit)
}

// Truncated reports whether some expansion was cut short by a limit.
func (b *Budget) Truncated() bool { return b.truncated != nil }

// Reason is the first limit reached, nil if none.
func (b *Budget) Reason() *LimitError { return b.truncated }

// Exhausted reports whether a limit of the request (not only of one
// object) has been reached: any further expansion stops at once.
func (b *Budget) Exhausted() bool { return b.exhausted }

// Spent is the steps and instances used so far.
func (b *Budget) Spent() (steps, instances int) { return b.spent.steps, b.spent.instances }

// over reports n past a limit (0: none).
func over(n, limit int) bool { return limit > 0 && n > limit }

// steps charges n steps to the request and to the object o.
func (b *Budget) steps(o *spent, n int) error {
	b.spent.steps = satAdd(b.spent.steps, n)
	o.steps = satAdd(o.steps, n)
	return b.check(o)
}

// instance counts one more instance found in range for o; past a limit
// it is refused, so that reaching a limit exactly is not truncation.
func (b *Budget) instance(o *spent) error {
	switch {
	case b.lim.ObjectInstances > 0 && o.instances >= b.lim.ObjectInstances:
		return b.cut(&LimitError{Object: true, What: "instances", Limit: b.lim.ObjectInstances})
	case b.lim.Instances > 0 && b.spent.instances >= b.lim.Instances:
		return b.cut(&LimitError{What: "instances", Limit: b.lim.Instances})
	}
	o.instances++
	b.spent.instances++
	return nil
}

// check refuses work for o once its or the request's limits are spent.
func (b *Budget) check(o *spent) error {
	switch {
	case over(o.steps, b.lim.ObjectSteps):
		return b.cut(&LimitError{Object: true, What: "steps", Limit: b.lim.ObjectSteps})
	case over(b.spent.steps, b.lim.Steps):
		return b.cut(&LimitError{What: "steps", Limit: b.lim.Steps})
	}
	return nil
}

func (b *Budget) cut(e *LimitError) error {
	b.exhausted = b.exhausted || !e.Object
	if b.truncated == nil {
		b.truncated = e
	}
	return e
}

// satAdd is a + n for n >= 0, kept within int.
func satAdd(a, n int) int {
	if n > math.MaxInt-a {
		return math.MaxInt
	}
	return a + n
}
