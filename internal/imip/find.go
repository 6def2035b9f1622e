package imip

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/emersion/go-ical"
	gomessage "github.com/emersion/go-message"
)

// Bounds of the MIME walk: nesting depth and parts looked at.
const (
	maxDepth = 8
	maxParts = 64
)

// ErrTooLarge is the error of a calendar part larger than Find's limit.
var ErrTooLarge = errors.New("imip: the calendar part is too large")

// Find walks the message raw for its first text/calendar part with a
// "method" parameter (RFC 6047 §2.4) and parses it. It returns nil and no
// error when the message carries no invitation (a .ics attached without
// a method is not one), and an error when the part cannot be used: larger
// than max bytes once decoded, not iCalendar (RFC 5545), a METHOD
// property other than the parameter, or not one event.
func Find(raw []byte, max int64) (*Invitation, error) {
	if !mentions(raw, "text/calendar") {
		return nil, nil // most posts: no MIME walk
	}
	e, err := gomessage.Read(bytes.NewReader(raw))
	if e == nil {
		return nil, err
	}
	w := &walker{max: max}
	body, method, err := w.walk(e, 0)
	if err != nil || body == nil {
		return nil, err
	}
	return parse(body, method)
}

type walker struct {
	max   int64
	parts int
}

// walk looks at e and, for a multipart, its parts in order. Attached
// messages (message/rfc822) are not entered: a forwarded invitation is
// not one to this list.
func (w *walker) walk(e *gomessage.Entity, depth int) ([]byte, string, error) {
	if w.parts++; w.parts > maxParts || depth > maxDepth {
		return nil, "", nil
	}
	if mr := e.MultipartReader(); mr != nil {
		for {
			p, err := mr.NextPart()
			if p == nil || (err != nil && !gomessage.IsUnknownCharset(err) && !gomessage.IsUnknownEncoding(err)) {
				return nil, "", nil // the end, or a part that cannot be read
			}
			body, method, err := w.walk(p, depth+1)
			if body != nil || err != nil {
				return body, method, err
			}
		}
	}
	mt, params, err := e.Header.ContentType()
	if err != nil || mt != "text/calendar" || params["method"] == "" {
		return nil, "", nil
	}
	body, err := io.ReadAll(io.LimitReader(e.Body, w.max+1))
	if err != nil {
		return nil, "", fmt.Errorf("imip: reading the calendar part: %w", err)
	}
	if int64(len(body)) > w.max {
		return nil, "", ErrTooLarge
	}
	return body, strings.ToUpper(params["method"]), nil
}

// parse decodes the calendar and checks it is one iTIP message about one
// event (RFC 5546 §1.4: one UID per message).
func parse(body []byte, method string) (*Invitation, error) {
	cal, err := ical.NewDecoder(bytes.NewReader(body)).Decode()
	if err != nil {
		return nil, fmt.Errorf("imip: the calendar part is not iCalendar: %w", err)
	}
	if m, _ := cal.Props.Text(ical.PropMethod); !strings.EqualFold(m, method) {
		// RFC 6047 §2.4: the parameter and the METHOD property agree.
		return nil, fmt.Errorf("imip: method parameter %q but METHOD %q", method, m)
	}
	inv := &Invitation{Method: method, cal: cal}
	for _, c := range cal.Children {
		switch c.Name {
		case ical.CompTimezone:
		case ical.CompEvent:
			if err := inv.add(c); err != nil {
				return nil, err
			}
		default:
			return nil, fmt.Errorf("imip: a %s in an invitation to a group's events", c.Name)
		}
	}
	if inv.UID == "" {
		return nil, errors.New("imip: the calendar part has no event with a UID")
	}
	return inv, nil
}

// mentions reports whether raw holds want (lower-case ASCII) in any case:
// a cheap test before the MIME walk.
func mentions(raw []byte, want string) bool {
	for i := 0; i+len(want) <= len(raw); i++ {
		j := bytes.IndexAny(raw[i:], want[:1]+strings.ToUpper(want[:1]))
		if j < 0 || i+j+len(want) > len(raw) {
			return false
		}
		if i += j; bytes.EqualFold(raw[i:i+len(want)], []byte(want)) {
			return true
		}
	}
	return false
}
