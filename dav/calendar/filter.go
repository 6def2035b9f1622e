package calendar

import (
	"errors"
	"strings"
	"time"

	"github.com/emersion/go-ical"

	"groupd/internal/recur"
)

// The filter of a calendar-query (RFC 4791 §9.7), decoded by us in full:
// go-webdav's caldav.Filter/Match drops negate-condition and collation,
// ignores time-ranges without a start, VTODO time ranges, RDATE, EXDATE
// lists, durations of recurring instances and RECURRENCE-ID overrides,
// and matches text case-sensitively.
type compFilter struct {
	Name       string
	NotDefined bool
	Range      *recur.Range
	Props      []propFilter
	Comps      []compFilter
}

type propFilter struct {
	Name       string
	NotDefined bool
	Range      *recur.Range
	Text       *textMatch
	Params     []paramFilter
}

type paramFilter struct {
	Name       string
	NotDefined bool
	Text       *textMatch
}

// textMatch is CALDAV:text-match (RFC 4791 §9.7.5): a substring match
// under the collation, "i;ascii-casemap" (the default, case-insensitive)
// or "i;octet".
type textMatch struct {
	Text      string
	Collation string
	Negate    bool
}

func (t *textMatch) match(v string) bool {
	var ok bool
	if t.Collation == "i;octet" {
		ok = strings.Contains(v, t.Text)
	} else {
		ok = strings.Contains(strings.ToLower(v), strings.ToLower(t.Text))
	}
	return ok != t.Negate
}

// object is a parsed calendar object ready for matching, whose
// recurrences are expanded within the request's budget.
type object struct {
	cal *ical.Calendar
	rec *recur.Object
	b   *recur.Budget
}

func newObject(cal *ical.Calendar, floating *time.Location, b *recur.Budget) *object {
	return &object{cal: cal, rec: recur.NewObject(cal, floating), b: b}
}

// match evaluates the top-level comp-filter (VCALENDAR).
func (o *object) match(f compFilter) (bool, error) {
	if !strings.EqualFold(f.Name, o.cal.Name) {
		return f.NotDefined, nil
	}
	if f.NotDefined {
		return false, nil
	}
	return o.matchComp(f, o.cal.Component)
}

func (o *object) matchComp(f compFilter, c *ical.Component) (bool, error) {
	if f.Range != nil {
		ok, err := o.inRange(c, *f.Range)
		if err != nil || !ok {
			return false, err
		}
	}
	for _, pf := range f.Props {
		ok, err := o.matchProp(pf, c)
		if err != nil || !ok {
			return false, err
		}
	}
	for _, cf := range f.Comps {
		found := false
		for _, child := range c.Children {
			if !strings.EqualFold(child.Name, cf.Name) {
				continue
			}
			if cf.NotDefined {
				found = true
				break
			}
			ok, err := o.matchComp(cf, child)
			if err != nil {
				return false, err
			}
			if ok {
				found = true
				break
			}
		}
		if found == cf.NotDefined {
			return false, nil
		}
	}
	return true, nil
}

// inRange: does an instance of c overlap w (RFC 4791 §9.9)? A
// component that cannot be expanded has none; the budget running out is
// an error (*recur.LimitError), which ends the object's matching.
func (o *object) inRange(c *ical.Component, w recur.Range) (bool, error) {
	switch c.Name {
	case ical.CompEvent, ical.CompToDo:
		ok, err := o.rec.Meets(c, w, o.b)
		var le *recur.LimitError
		if errors.As(err, &le) {
			return false, err
		}
		return ok, nil
	case ical.CompCalendar:
		for _, child := range c.Children {
			if ok, err := o.inRange(child, w); err != nil || ok {
				return ok, err
			}
		}
		return false, nil
	}
	return true, nil // VALARM, VJOURNAL, VFREEBUSY: not narrowed
}

func (o *object) matchProp(f propFilter, c *ical.Component) (bool, error) {
	props := c.Props.Values(f.Name)
	if f.NotDefined || len(props) == 0 {
		return f.NotDefined && len(props) == 0, nil
	}
	for i := range props {
		ok, err := o.matchOneProp(f, &props[i])
		if err != nil || ok {
			return ok, err
		}
	}
	return false, nil
}

func (o *object) matchOneProp(f propFilter, p *ical.Prop) (bool, error) {
	if f.Range != nil {
		t, _, err := o.rec.Zones().Value(p.Value, p.Params.Get(ical.PropTimezoneID), p.ValueType() == ical.ValueDate)
		if err != nil || !f.Range.Contains(t) {
			return false, nil
		}
	}
	if f.Text != nil {
		v := p.Value
		if s, err := p.Text(); err == nil {
			v = s
		}
		if !f.Text.match(v) {
			return false, nil
		}
	}
	for _, pf := range f.Params {
		vals := p.Params.Values(pf.Name)
		if pf.NotDefined || len(vals) == 0 {
			if pf.NotDefined != (len(vals) == 0) {
				return false, nil
			}
			continue
		}
		if pf.Text != nil {
			any := false
			for _, v := range vals {
				any = any || pf.Text.match(v)
			}
			if !any {
				return false, nil
			}
		}
	}
	return true, nil
}
