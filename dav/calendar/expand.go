package calendar

import (
	"encoding/xml"
	"errors"
	"strings"
	"time"

	"github.com/emersion/go-ical"

	"groupd/groups"
	"groupd/internal/recur"
)

// dataReq is what the CALDAV:calendar-data element of a REPORT's
// DAV:prop asks of the data (RFC 4791 §9.6): the recurrence set expanded
// into instances (§9.6.5), or limited to the overrides that matter in a
// range (§9.6.6). Zero: the object as stored.
type dataReq struct {
	expand *recur.Range
	limit  *recur.Range
}

func (d dataReq) active() bool { return d.expand != nil || d.limit != nil }

// xCalData is CALDAV:calendar-data in a request (§9.6).
type xCalData struct {
	Expand *xTimeRange `xml:"urn:ietf:params:xml:ns:caldav expand"`
	Limit  *xTimeRange `xml:"urn:ietf:params:xml:ns:caldav limit-recurrence-set"`
}

// decode checks the ranges: each needs a UTC start or end (§9.6.5 and
// §9.6.6 require both; an open end is read as "no end").
func (x *xCalData) decode() (dataReq, error) {
	var d dataReq
	if x == nil {
		return d, nil
	}
	var err error
	if d.expand, err = x.Expand.window(); err != nil {
		return d, err
	}
	d.limit, err = x.Limit.window()
	return d, err
}

// calDataReq finds calendar-data among a DAV:prop's elements.
func calDataReq(a *anyElems) (dataReq, error) {
	if a == nil {
		return dataReq{}, nil
	}
	for _, e := range a.Elems {
		if e.XMLName == calendarDataName {
			return (&xCalData{Expand: e.Expand, Limit: e.Limit}).decode()
		}
	}
	return dataReq{}, nil
}

// decodeCalData reads the calendar-data element just opened in d.
func decodeCalData(d *xml.Decoder, start xml.StartElement) (dataReq, error) {
	var x xCalData
	if err := d.DecodeElement(&x, &start); err != nil {
		return dataReq{}, err
	}
	return x.decode()
}

// shapeData rewrites o.Data as req asks, expanding within b in the
// floating zone zone. A *recur.LimitError says that b ran out: the
// object cannot be answered in full.
func (h *handler) shapeData(o *groups.CalObject, req dataReq, zone *time.Location, b *recur.Budget) error {
	if !req.active() || o.Data == "" {
		return nil
	}
	cal, err := h.cache.parse(o)
	if err != nil {
		return nil // answered as stored, as a calendar-query does
	}
	var out *ical.Calendar
	if req.expand != nil {
		out, err = expandCalendar(cal, *req.expand, zone, b)
	} else {
		out, err = limitRecurrenceSet(cal, *req.limit, zone, b)
	}
	if err != nil {
		return err
	}
	var sb strings.Builder
	if err := encode(&sb, out); err != nil {
		return nil
	}
	o.Data = sb.String()
	return nil
}

// expandCalendar is RFC 4791 §9.6.5: every instance of the recurrence
// set that overlaps r (§9.9), one component each, overrides applied and
// EXDATEs left out, with its RECURRENCE-ID, its times in UTC and no
// RRULE, RDATE or EXDATE; the VTIMEZONEs go, as nothing refers to them.
// The cached cal is only read.
func expandCalendar(cal *ical.Calendar, r recur.Range, zone *time.Location, b *recur.Budget) (*ical.Calendar, error) {
	out := shallowCalendar(cal, func(c *ical.Component) bool {
		return c.Name != ical.CompEvent && c.Name != ical.CompToDo && c.Name != ical.CompTimezone
	})
	err := recur.NewObject(cal, zone).Expand(r, b, func(in recur.Instance) bool {
		out.Children = append(out.Children, instanceComp(in))
		return true
	})
	var le *recur.LimitError
	if errors.As(err, &le) {
		return nil, le
	}
	return out, nil // a component that cannot be expanded is left out
}

// shallowCalendar is a new VCALENDAR with cal's properties and the
// children keep keeps.
func shallowCalendar(cal *ical.Calendar, keep func(*ical.Component) bool) *ical.Calendar {
	out := &ical.Calendar{Component: &ical.Component{Name: cal.Name, Props: cal.Props}}
	for _, c := range cal.Children {
		if keep(c) {
			out.Children = append(out.Children, c)
		}
	}
	return out
}

// instanceComp is one instance as a component of its own: the master's
// or the override's properties with the instance's times. Children
// (VALARMs) are shared with the cached component, which is not changed.
func instanceComp(in recur.Instance) *ical.Component {
	src := in.Comp
	c := &ical.Component{Name: src.Name, Props: make(ical.Props, len(src.Props)), Children: src.Children}
	for k, v := range src.Props {
		c.Props[k] = v
	}
	// No recurrence in an instance (§9.6.5); RECURRENCE-ID is written
	// anew in UTC.
	for _, k := range [...]string{ical.PropRecurrenceRule, ical.PropRecurrenceDates, ical.PropExceptionDates,
		"EXRULE", ical.PropRecurrenceID} {
		delete(c.Props, k)
	}
	if src.Props.Get(ical.PropDateTimeStart) == nil {
		return c // an undated VTODO: nothing to place
	}
	c.Props.Set(timeProp(ical.PropDateTimeStart, in.Start, in.AllDay))
	if src.Props.Get(ical.PropDateTimeEnd) != nil {
		c.Props.Set(timeProp(ical.PropDateTimeEnd, in.End, in.AllDay))
	}
	if src.Name == ical.CompToDo && src.Props.Get(ical.PropDue) != nil {
		c.Props.Set(timeProp(ical.PropDue, in.End, in.AllDay))
	}
	if in.Override || recurs(src) {
		c.Props.Set(timeProp(ical.PropRecurrenceID, in.RecurrenceID, in.AllDay))
	}
	return c
}

// recurs reports a master with a recurrence set beyond DTSTART.
func recurs(c *ical.Component) bool {
	return c.Props.Get(ical.PropRecurrenceRule) != nil || c.Props.Get(ical.PropRecurrenceDates) != nil
}

// timeProp is a DATE for an all-day instance, else a UTC DATE-TIME.
func timeProp(name string, t time.Time, date bool) *ical.Prop {
	p := ical.NewProp(name)
	if date {
		p.SetDate(t)
	} else {
		p.SetDateTime(t.UTC())
	}
	return p
}

// limitRecurrenceSet is RFC 4791 §9.6.6: the master components as they
// are, and only the overrides that affect r: whose own instance overlaps
// r, or whose RECURRENCE-ID (the instance they replace) falls in it.
func limitRecurrenceSet(cal *ical.Calendar, r recur.Range, zone *time.Location, b *recur.Budget) (*ical.Calendar, error) {
	o := recur.NewObject(cal, zone)
	var limitErr error
	out := shallowCalendar(cal, func(c *ical.Component) bool {
		if limitErr != nil || c.Props.Get(ical.PropRecurrenceID) == nil {
			return limitErr == nil
		}
		if rid, _, ok, err := o.Zones().Prop(c, ical.PropRecurrenceID); err == nil && ok && r.Contains(rid) {
			return true
		}
		met, err := o.Meets(c, r, b)
		var le *recur.LimitError
		if errors.As(err, &le) {
			limitErr = le
		}
		return met
	})
	if limitErr != nil {
		return nil, limitErr
	}
	return out, nil
}
