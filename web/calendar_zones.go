package web

import (
	"strings"
	"time"

	"github.com/emersion/go-ical"
)

// zones reads the date values of one object (RFC 5545 §3.3.4, §3.3.5):
// a TZID through the IANA database, else the object's VTIMEZONE by its
// standard offset, else (and for floating times and DATE values) the
// viewer's zone.
type zones struct {
	floating *time.Location
	byID     map[string]*time.Location
}

func newZones(cal *ical.Calendar, floating *time.Location) *zones {
	z := &zones{floating: floating, byID: map[string]*time.Location{}}
	for _, c := range cal.Children {
		if c.Name != ical.CompTimezone {
			continue
		}
		id, _ := c.Props.Text(ical.PropTimezoneID)
		for _, sub := range c.Children {
			if p := sub.Props.Get(ical.PropTimezoneOffsetTo); p != nil && sub.Name == ical.CompTimezoneStandard {
				if off, ok := parseUTCOffset(p.Value); ok {
					z.byID[id] = time.FixedZone(id, off)
				}
			}
		}
	}
	return z
}

// parseUTCOffset reads a UTC-OFFSET value (RFC 5545 §3.3.14), ±hhmm[ss].
func parseUTCOffset(s string) (int, bool) {
	if len(s) < 5 || (s[0] != '+' && s[0] != '-') {
		return 0, false
	}
	t, err := time.Parse("1504", s[1:5])
	if err != nil {
		return 0, false
	}
	off := t.Hour()*3600 + t.Minute()*60
	if s[0] == '-' {
		off = -off
	}
	return off, true
}

func (z *zones) loc(tzid string) *time.Location {
	if tzid == "" {
		return z.floating
	}
	if tzid != "Local" {
		if l, err := time.LoadLocation(tzid); err == nil {
			return l
		}
	}
	if l, ok := z.byID[tzid]; ok {
		return l
	}
	return z.floating
}

// value parses one DATE or DATE-TIME; date reports a DATE.
func (z *zones) value(v, tzid string, isDate bool) (t time.Time, date bool, err error) {
	v = strings.TrimSpace(v)
	switch {
	case isDate || len(v) == 8:
		t, err = time.ParseInLocation("20060102", v, z.floating)
		return t, true, err
	case strings.HasSuffix(v, "Z"):
		t, err = time.Parse("20060102T150405Z", v)
	default:
		t, err = time.ParseInLocation("20060102T150405", v, z.loc(tzid))
	}
	return t, false, err
}

// prop parses a single date property; ok is false when it is absent or
// does not parse.
func (z *zones) prop(c *ical.Component, name string) (t time.Time, date, ok bool) {
	p := c.Props.Get(name)
	if p == nil {
		return time.Time{}, false, false
	}
	t, date, err := z.value(p.Value, p.Params.Get(ical.PropTimezoneID), p.ValueType() == ical.ValueDate)
	return t, date, err == nil
}

// list parses every value of a multi-valued date property (EXDATE,
// RDATE); a PERIOD counts by its start. Values that do not parse are
// left out.
func (z *zones) list(c *ical.Component, name string) []time.Time {
	var out []time.Time
	for _, p := range c.Props.Values(name) {
		for _, v := range strings.Split(p.Value, ",") {
			start, _, _ := strings.Cut(v, "/")
			t, _, err := z.value(start, p.Params.Get(ical.PropTimezoneID), p.ValueType() == ical.ValueDate)
			if err == nil {
				out = append(out, t)
			}
		}
	}
	return out
}

// duration is DTEND - DTSTART, else DURATION, else a day for a DATE
// start and nothing for a DATE-TIME one (RFC 5545 §3.6.1).
func (z *zones) duration(c *ical.Component, start time.Time, date bool) (time.Duration, bool) {
	if c.Props.Get(ical.PropDateTimeEnd) != nil {
		end, _, ok := z.prop(c, ical.PropDateTimeEnd)
		return max(end.Sub(start), 0), ok
	}
	if p := c.Props.Get(ical.PropDuration); p != nil {
		d, err := p.Duration()
		return max(d, 0), err == nil
	}
	if date {
		return 24 * time.Hour, true
	}
	return 0, true
}
