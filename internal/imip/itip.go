package imip

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-ical"
)

// iTIP methods a group calendar acts on (RFC 5546 §3.2).
const (
	Request = "REQUEST" // create or update the event
	Cancel  = "CANCEL"  // remove it
)

// Invitation is the calendar of an iMIP message: one event (its master
// and any overridden instances), in the organizer's version.
type Invitation struct {
	Method   string    // the iTIP method, upper-case
	UID      string    // the event's UID (RFC 5545 §3.8.4.7)
	Sequence int       // its SEQUENCE (RFC 5545 §3.8.7.4), 0 when absent
	Stamp    time.Time // its DTSTAMP (RFC 5545 §3.8.7.2)
	Master   bool      // it carries the master component, not only instances
	cal      *ical.Calendar
}

// add takes one VEVENT; the version is the master's, or the first
// instance's when there is no master.
func (inv *Invitation) add(c *ical.Component) error {
	uid, _ := c.Props.Text(ical.PropUID)
	if uid == "" || (inv.UID != "" && uid != inv.UID) {
		return fmt.Errorf("imip: an invitation is about one event with one UID (RFC 5546 §1.4)")
	}
	master := c.Props.Get(ical.PropRecurrenceID) == nil
	if inv.UID == "" || (master && !inv.Master) {
		inv.UID = uid
		inv.Sequence, inv.Stamp = version(c)
	}
	inv.Master = inv.Master || master
	return nil
}

// version is a component's SEQUENCE and DTSTAMP.
func version(c *ical.Component) (int, time.Time) {
	seq := 0
	if p := c.Props.Get(ical.PropSequence); p != nil {
		seq, _ = strconv.Atoi(strings.TrimSpace(p.Value))
	}
	var stamp time.Time
	if p := c.Props.Get(ical.PropDateTimeStamp); p != nil {
		stamp, _ = p.DateTime(time.UTC)
	}
	return seq, stamp
}

// Object is the calendar object resource a group calendar stores for a
// REQUEST (RFC 4791 §4.1): the invitation without METHOD, its time zones
// and events, each event with organizer ("mailto:" and the address) as
// ORGANIZER when it names none (RFC 5546 §3.2.2 makes it required; the
// sender's is kept when present).
func (inv *Invitation) Object(organizer string) (string, error) {
	out := ical.NewCalendar()
	for name, props := range inv.cal.Props {
		if name != ical.PropMethod {
			out.Props[name] = props
		}
	}
	if out.Props.Get(ical.PropVersion) == nil {
		out.Props.SetText(ical.PropVersion, "2.0")
	}
	if out.Props.Get(ical.PropProductID) == nil {
		out.Props.SetText(ical.PropProductID, "-//groupd//iMIP//EN")
	}
	for _, c := range inv.cal.Children {
		if c.Name == ical.CompEvent && c.Props.Get(ical.PropOrganizer) == nil && organizer != "" {
			p := ical.NewProp(ical.PropOrganizer)
			p.SetValueType(ical.ValueCalendarAddress)
			p.Value = "mailto:" + organizer
			c.Props.Set(p)
		}
		out.Children = append(out.Children, c)
	}
	var b bytes.Buffer
	if err := ical.NewEncoder(&b).Encode(out); err != nil {
		return "", fmt.Errorf("imip: the invitation's event cannot be stored: %w", err)
	}
	return b.String(), nil
}

// Supersedes reports whether the invitation is at least as new as the
// stored object, so that it may replace or cancel it (RFC 5546 §2.1.5):
// a higher SEQUENCE wins, and for the same SEQUENCE a DTSTAMP that is not
// older. A stored object that cannot be read is superseded.
func (inv *Invitation) Supersedes(stored string) bool {
	cal, err := ical.NewDecoder(strings.NewReader(stored)).Decode()
	if err != nil {
		return true
	}
	var old *ical.Component
	for _, c := range cal.Children {
		if c.Name == ical.CompEvent && (old == nil || c.Props.Get(ical.PropRecurrenceID) == nil) {
			old = c
		}
	}
	if old == nil {
		return true
	}
	seq, stamp := version(old)
	if inv.Sequence != seq {
		return inv.Sequence > seq
	}
	return !inv.Stamp.Before(stamp)
}
