package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-ical"

	"groupd/groups"
)

// The Events and Tasks tabs read and write the same calendar objects as
// CalDAV clients, through the same store calls as the CalDAV handler
// (Store.Calendar, Calendar.Get/Candidates/Put/Delete): one VCALENDAR
// per object, with PRODID, VERSION, one UID and a DTSTAMP, in go-ical's
// encoding. This file holds the iCalendar plumbing both tabs share.

// prodID names the console as the writer of the objects it creates
// (RFC 5545 §3.7.3).
const prodID = "-//groupd//Web console//EN"

// decodeCal parses stored iCalendar text. go-ical's decoder panics on
// some malformed content lines: the panic is recovered as an error, so a
// damaged object is skipped rather than ending the request.
func decodeCal(data string) (cal *ical.Calendar, err error) {
	defer func() {
		if recover() != nil {
			cal, err = nil, errors.New("a content line is malformed (RFC 5545 §3.1)")
		}
	}()
	return ical.NewDecoder(strings.NewReader(data)).Decode()
}

// encodeCal writes cal as iCalendar text, a panic recovered as an error.
func encodeCal(cal *ical.Calendar) (out string, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("cannot be written as iCalendar (%v)", p)
		}
	}()
	var b strings.Builder
	if err := ical.NewEncoder(&b).Encode(cal); err != nil {
		return "", err
	}
	return b.String(), nil
}

// newCalendar wraps one new component with a fresh UID and DTSTAMP
// (RFC 5545 §3.6.1, §3.6.2: both required) in a VCALENDAR.
func newCalendar(comp *ical.Component, now time.Time) (*ical.Calendar, string) {
	uid := newUID()
	comp.Props.SetText(ical.PropUID, uid)
	comp.Props.SetDateTime(ical.PropDateTimeStamp, now.UTC())
	comp.Props.SetDateTime(ical.PropCreated, now.UTC())
	comp.Props.SetDateTime(ical.PropLastModified, now.UTC())
	cal := ical.NewCalendar()
	cal.Props.SetText(ical.PropProductID, prodID)
	cal.Props.SetText(ical.PropVersion, "2.0")
	cal.Children = append(cal.Children, comp)
	return cal, uid
}

// newUID is a random version-4 UUID (RFC 9562 §5.4), the form most
// calendar clients use for UIDs and resource names.
func newUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// touch marks an edited component: DTSTAMP and LAST-MODIFIED now, and
// SEQUENCE one higher (RFC 5545 §3.8.7.4), so clients see a new revision.
func touch(comp *ical.Component, now time.Time) {
	comp.Props.SetDateTime(ical.PropDateTimeStamp, now.UTC())
	comp.Props.SetDateTime(ical.PropLastModified, now.UTC())
	seq := 0
	if p := comp.Props.Get(ical.PropSequence); p != nil {
		seq, _ = p.Int()
	}
	setInt(comp, ical.PropSequence, seq+1)
}

// setInt sets an INTEGER property (SetText would mark it VALUE=TEXT).
func setInt(c *ical.Component, name string, v int) {
	p := ical.NewProp(name)
	p.Value = strconv.Itoa(v)
	c.Props.Set(p)
}

// master is the object's component of type typ that is not an override
// (no RECURRENCE-ID), else its first of that type; nil when none.
func master(cal *ical.Calendar, typ string) *ical.Component {
	var first *ical.Component
	for _, c := range cal.Children {
		if c.Name != typ {
			continue
		}
		if c.Props.Get(ical.PropRecurrenceID) == nil {
			return c
		}
		if first == nil {
			first = c
		}
	}
	return first
}

// textProp is a TEXT property's value, unescaped; "" when absent.
func textProp(c *ical.Component, name string) string {
	s, _ := c.Props.Text(name)
	return s
}

// setText sets a TEXT property, or removes it when v is empty.
func setText(c *ical.Component, name, v string) {
	if v == "" {
		c.Props.Del(name)
		return
	}
	c.Props.SetText(name, v)
}

// savedObject is what putObject stores and hands back.
type savedObject struct {
	name, etag string
}

// putObject stores cal under name as the CalDAV handler does on PUT:
// encoded, with its UID, and the span of its instances for the store's
// time-range candidates (all time for tasks and recurring events, which
// is a superset and so always correct). ifMatch is the ETag the user's
// page showed ("" for a new object, which must not exist yet).
func putObject(ctx context.Context, c *groups.Calendar, name, uid string, cal *ical.Calendar, ifMatch string, first, last int64) (*savedObject, error) {
	data, err := encodeCal(cal)
	if err != nil {
		return nil, err
	}
	p := groups.CalPut{Name: name, UID: uid, Data: data, First: first, Last: last, IfMatch: ifMatch}
	if ifMatch == "" {
		p.IfNoneMatch = "*"
	}
	o, _, err := c.Put(ctx, p)
	if err != nil {
		return nil, err
	}
	return &savedObject{name: o.Name, etag: o.ETag}, nil
}

// spanAll is the span of an object whose instances are not bounded here.
func spanAll() (int64, int64) { return math.MinInt64, math.MaxInt64 }

// spanSlack widens a single event's span as the CalDAV handler does:
// floating times may be matched in a zone up to 14 hours off UTC.
const spanSlack = 14 * 3600

// objectName is the resource name of a new object: its UID and ".ics",
// as CalDAV clients name theirs.
func objectName(uid string) string { return uid + ".ics" }
