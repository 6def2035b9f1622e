package recur

import (
	"errors"
	"strings"
	"time"

	"github.com/emersion/go-ical"
)

// Zones reads the date values of one calendar object (RFC 5545 §3.3.4
// DATE, §3.3.5 DATE-TIME): a UTC time ("Z") as it is; a TZID through the
// object's VTIMEZONE of that TZID or, when the TZID is an IANA name, the
// system's zone database (vtimezone.go); floating times, DATE values and
// unknown TZIDs in the floating zone, which the caller chooses (the
// query's CALDAV:timezone, the viewer's zone).
//
// A Zones belongs to one object and one request: it caches the zones it
// has looked up and is not safe for concurrent use.
type Zones struct {
	floating *time.Location
	byID     map[string]*time.Location // VTIMEZONEs, then IANA look-ups
	first    *time.Location            // the first VTIMEZONE's
}

// NewZones reads the VTIMEZONE components of cal (RFC 5545 §3.6.5).
func NewZones(cal *ical.Calendar, floating *time.Location) *Zones {
	if floating == nil {
		floating = time.UTC
	}
	z := &Zones{floating: floating, byID: map[string]*time.Location{}}
	if cal == nil {
		return z
	}
	for _, c := range cal.Children {
		if c.Name != ical.CompTimezone {
			continue
		}
		id, _ := c.Props.Text(ical.PropTimezoneID)
		if l, ok := vtimezone(id, c); ok {
			z.byID[id] = l
			if z.first == nil {
				z.first = l
			}
		}
	}
	return z
}

// Floating is the zone of floating times and DATE values.
func (z *Zones) Floating() *time.Location { return z.floating }

// First is the zone of the object's first VTIMEZONE that could be read,
// as CALDAV:timezone names one (RFC 4791 §9.8).
func (z *Zones) First() (*time.Location, bool) { return z.first, z.first != nil }

// Location is the zone a TZID parameter names; ok is false (and the
// zone the floating one) when neither the object nor the zone database
// knows it.
func (z *Zones) Location(tzid string) (loc *time.Location, ok bool) {
	if tzid == "" {
		return z.floating, false
	}
	if l, ok := z.byID[tzid]; ok {
		return l, true
	}
	if l, ok := ianaZone(tzid); ok {
		z.byID[tzid] = l
		return l, true
	}
	return z.floating, false
}

// ianaZone loads an IANA zone name; "Local" and "" are not names.
func ianaZone(id string) (*time.Location, bool) {
	if id == "" || id == "Local" || strings.ContainsAny(id, "\x00\\") || len(id) > 64 {
		return nil, false
	}
	l, err := time.LoadLocation(id)
	return l, err == nil
}

// Value parses one DATE or DATE-TIME value; date reports a DATE (the
// VALUE=DATE parameter, or eight digits).
func (z *Zones) Value(v, tzid string, isDate bool) (t time.Time, date bool, err error) {
	v = strings.TrimSpace(v)
	switch {
	case isDate || len(v) == 8:
		t, err = time.ParseInLocation("20060102", v, z.floating)
		return t, true, err
	case strings.HasSuffix(v, "Z"):
		t, err = time.Parse("20060102T150405Z", v)
	default:
		loc, _ := z.Location(tzid)
		t, err = time.ParseInLocation("20060102T150405", v, loc)
	}
	return t, false, err
}

// Prop parses a single-valued date property (DTSTART, DTEND, DUE,
// RECURRENCE-ID, COMPLETED, CREATED); ok is false when it is absent.
func (z *Zones) Prop(c *ical.Component, name string) (t time.Time, date, ok bool, err error) {
	p := c.Props.Get(name)
	if p == nil {
		return time.Time{}, false, false, nil
	}
	t, date, err = z.Value(p.Value, p.Params.Get(ical.PropTimezoneID), p.ValueType() == ical.ValueDate)
	return t, date, err == nil, err
}

// Period is one value of RDATE or EXDATE: a start and, for a PERIOD
// value (RFC 5545 §3.3.9), its own length.
type Period struct {
	Start     time.Time
	Length    Length
	HasLength bool
}

// errPeriod is a PERIOD whose end or duration does not parse.
var errPeriod = errors.New("a PERIOD value is not START/END or START/DURATION (RFC 5545 §3.3.9)")

// List parses every value of every instance of a multi-valued date
// property (RDATE, EXDATE; RFC 5545 §3.8.5.1, §3.8.5.2).
func (z *Zones) List(c *ical.Component, name string) ([]Period, error) {
	var out []Period
	for _, p := range c.Props.Values(name) {
		tzid, isDate := p.Params.Get(ical.PropTimezoneID), p.ValueType() == ical.ValueDate
		for _, v := range strings.Split(p.Value, ",") {
			start, rest, isPeriod := strings.Cut(v, "/")
			t, _, err := z.Value(start, tzid, isDate)
			if err != nil {
				return nil, err
			}
			pd := Period{Start: t}
			if isPeriod {
				if pd.Length, err = z.periodLength(t, rest, tzid); err != nil {
					return nil, err
				}
				pd.HasLength = true
			}
			out = append(out, pd)
		}
	}
	return out, nil
}

// periodLength is the length of a PERIOD from its second half: a
// duration or an explicit end.
func (z *Zones) periodLength(start time.Time, rest, tzid string) (Length, error) {
	if strings.HasPrefix(strings.TrimLeft(rest, "+-"), "P") {
		return ParseDuration(rest)
	}
	end, _, err := z.Value(rest, tzid, false)
	if err != nil {
		return Length{}, errPeriod
	}
	return Length{Exact: end.Sub(start)}, nil
}
