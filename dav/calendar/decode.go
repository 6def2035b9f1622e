package calendar

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/emersion/go-ical"
	gocaldav "github.com/emersion/go-webdav/caldav"
)

// errTrailing is a body that holds more than one VCALENDAR.
var errTrailing = errors.New("the body must hold exactly one VCALENDAR")

// decodeOne parses exactly one VCALENDAR (RFC 5545 §3.4) from r.
//
// go-ical's decoder panics on some malformed content lines (an index out
// of range in its line reader, e.g. on "0;0="): the panic is recovered
// here and returned as an error naming the problem, so that neither a
// client's body nor a damaged stored object can stop a request with a
// crash. Every decode of client or stored data goes through here.
func decodeOne(r io.Reader, strict bool) (cal *ical.Calendar, err error) {
	defer func() {
		if recover() != nil {
			cal, err = nil, errors.New(`a content line is malformed (RFC 5545 §3.1: NAME *(";" PARAM=VALUE) ":" VALUE)`)
		}
	}()
	dec := ical.NewDecoder(r)
	cal, err = dec.Decode()
	if err != nil {
		return nil, err
	}
	if strict {
		if _, err := dec.Decode(); !errors.Is(err, io.EOF) {
			return nil, errTrailing
		}
	}
	return cal, nil
}

// decodeString parses the first VCALENDAR of stored data.
func decodeString(s string) (*ical.Calendar, error) {
	return decodeOne(strings.NewReader(s), false)
}

// encode is go-ical's encoder with a panic recovered as an error.
func encode(w io.Writer, cal *ical.Calendar) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("cannot be written back as iCalendar (%v)", p)
		}
	}()
	return ical.NewEncoder(w).Encode(cal)
}

// validate is caldav.ValidateCalendarObject with a panic recovered.
func validate(cal *ical.Calendar) (typ, uid string, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("the calendar object is not valid (%v)", p)
		}
	}()
	return gocaldav.ValidateCalendarObject(cal)
}
