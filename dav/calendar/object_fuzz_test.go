package calendar

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-ical"

	"groupd/groups"
	"groupd/internal/recur"
)

// FuzzCalendarObject feeds PUT bodies to the iCalendar check. Properties:
// no panic; a refusal is 400, 403 or 413 with a precondition and a
// sentence; an accepted object is stored as exactly one VCALENDAR that the
// check accepts again unchanged (same UID, same bytes); and the span kept
// for calendar-query candidates covers every VEVENT instance that a
// time-range finds (a superset is fine, a subset is not).
func FuzzCalendarObject(f *testing.F) {
	ev := func(extra string) []byte {
		return []byte("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\nBEGIN:VEVENT\r\nUID:u1\r\nDTSTAMP:20260101T000000Z\r\n" + extra + "END:VEVENT\r\nEND:VCALENDAR\r\n")
	}
	for _, b := range [][]byte{
		ev("DTSTART:20260105T100000Z\r\nDTEND:20260105T110000Z\r\nSUMMARY:Meeting\r\n"),
		ev("DTSTART;VALUE=DATE:20260105\r\nRRULE:FREQ=WEEKLY;COUNT=5\r\nEXDATE;VALUE=DATE:20260112\r\n"),
		ev("DTSTART;TZID=Europe/Berlin:20260105T100000\r\nDURATION:PT1H\r\nRRULE:FREQ=DAILY;UNTIL=20260110T000000Z\r\nRDATE:20260201T100000Z\r\n"),
		ev("DTSTART:20260105T100000\r\nRRULE:FREQ=MONTHLY;BYDAY=-1FR\r\n"),
		ev("DTSTART:20260105T100000Z\r\nRECURRENCE-ID:20260106T100000Z\r\n"),
		[]byte("BEGIN:VCALENDAR\r\nBEGIN:VTODO\r\nUID:t\r\nDUE:20260101T000000Z\r\nEND:VTODO\r\nEND:VCALENDAR\r\n"),
		[]byte("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\nBEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"),
		[]byte("not ical"),
		ev("DTSTART:20260105T100000Z\r\nDTEND:20260101T000000Z\r\n"),
	} {
		f.Add(b, false, int32(0), int32(24*30))
	}
	h := &handler{opts: Options{MaxResourceSize: 1 << 16}}
	f.Fuzz(func(t *testing.T, body []byte, task bool, from, length int32) {
		feature := groups.FeatureEvent
		if task {
			feature = groups.FeatureTask
		}
		ps, code, cond, msg, panicked := safeCheck(h, body, feature)
		if panicked {
			t.Fatalf("checkObject panics on %q", body)
		}
		if code != 0 {
			if code != http.StatusBadRequest && code != http.StatusForbidden && code != http.StatusRequestEntityTooLarge || cond == "" || msg == "" {
				t.Fatalf("refusal %d %q %q", code, cond, msg)
			}
			return
		}
		dec := ical.NewDecoder(bytes.NewReader([]byte(ps.data)))
		cal, err := dec.Decode()
		if err != nil {
			t.Fatalf("stored object does not parse: %v\n%s", err, ps.data)
		}
		if _, err := dec.Decode(); !errors.Is(err, io.EOF) {
			t.Fatalf("stored object holds more than one VCALENDAR")
		}
		again, code, _, msg := h.checkObject([]byte(ps.data), feature)
		if code != 0 || again.uid != ps.uid || again.data != ps.data {
			t.Fatalf("stored object not accepted unchanged: %d %s\n%s\n---\n%v", code, msg, ps.data, again)
		}
		if ps.first > ps.last {
			t.Fatalf("span [%d, %d]", ps.first, ps.last)
		}
		start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(from%(24*365*10)) * time.Hour)
		w := recur.Range{Start: start, End: start.Add(time.Duration(1+int64(length)&0xffff) * time.Hour)}
		o := newObject(cal, time.UTC, recur.NewBudget(defaultQueryLimits()))
		for _, c := range cal.Children {
			if c.Name != ical.CompEvent {
				continue
			}
			if ok, err := o.inRange(c, w); err == nil && ok && (w.Start.Unix() > ps.last || w.End.Unix() < ps.first) {
				t.Fatalf("window %v..%v finds the object but its span is [%v, %v]:\n%s", w.Start, w.End,
					time.Unix(ps.first, 0).UTC(), time.Unix(ps.last, 0).UTC(), ps.data)
			}
		}
	})
}

// FuzzCalendarPath checks the CalDAV path parser: no panic; what it
// accepts is one of the layout's kinds with the parts it needs, and the
// path the handler writes for an object parses back to that object.
func FuzzCalendarPath(f *testing.F) {
	for _, s := range []string{"/dav/", "/dav/principals/a@example.test/", "/dav/calendars/", "/dav/calendars/team/",
		"/dav/calendars/team/events/", "/dav/calendars/team/tasks/x.ics", "/dav/calendars/team/events/x.ics/",
		"/dav/calendars/team/other/", "/davx", "/dav/calendars/t/events/a/b", "/dav//calendars//team//events//x.ics"} {
		f.Add(s)
	}
	h := &handler{prefix: "/dav"}
	f.Fuzz(func(t *testing.T, p string) {
		tg, ok := parsePath("/dav", p)
		if !ok {
			return
		}
		switch tg.kind {
		case kRoot, kPrincipals, kHome:
		case kPrincipal:
			if tg.email == "" {
				t.Fatalf("%q: principal without an email", p)
			}
		case kGroup, kCollection, kObject:
			if tg.group == "" || (tg.kind != kGroup && tg.feature == "") {
				t.Fatalf("%q: %+v lacks its group or feature", p, tg)
			}
			if tg.kind == kObject {
				if err := groups.CheckCalName(tg.name); err != nil {
					t.Fatalf("%q: object name %q refused by the model: %v", p, tg.name, err)
				}
				back, ok := parsePath("/dav", h.objPath(tg.group, tg.feature, tg.name))
				if !ok || back != tg {
					t.Fatalf("%q: %+v written as %q parses to %+v", p, tg, h.objPath(tg.group, tg.feature, tg.name), back)
				}
			}
		default:
			t.Fatalf("%q: unknown kind %d", p, tg.kind)
		}
	})
}

// FuzzCalendarSpan builds well-formed VEVENTs from fuzzed parts (start,
// length, zone, all-day, RRULE, RDATE, EXDATE, an override) so that the
// recurrence code is reached, and checks the candidate span against the
// time-range matcher: every window that finds the object lies within the
// span.
func FuzzCalendarSpan(f *testing.F) {
	f.Add(int32(100), int32(2), uint8(0), false, "FREQ=WEEKLY;COUNT=4", int32(0), int32(24*7), int32(-10), int32(48))
	f.Add(int32(5000), int32(-3), uint8(1), true, "FREQ=MONTHLY;BYDAY=-1FR;UNTIL=20270101", int32(24*40), int32(0), int32(24*30), int32(24*400))
	f.Add(int32(0), int32(0), uint8(2), false, "FREQ=DAILY;INTERVAL=3;BYHOUR=1,23", int32(-5), int32(0), int32(0), int32(1))
	f.Add(int32(77), int32(25), uint8(3), false, "FREQ=YEARLY", int32(0), int32(0), int32(24*365*3), int32(5))
	h := &handler{opts: Options{MaxResourceSize: 1 << 20}}
	zones := []string{"", "Europe/Berlin", "America/New_York", "float", "Pacific/Kiritimati"}
	f.Fuzz(func(t *testing.T, startH, lenH int32, zone uint8, allDay bool, rule string, rdateH, exdateH, from, length int32) {
		if strings.ContainsAny(rule, "\r\n") || len(rule) > 200 {
			return
		}
		base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		at := func(hours int32) time.Time { return base.Add(time.Duration(hours%(24*365*5)) * time.Hour) }
		z := zones[int(zone)%len(zones)]
		dt := func(name string, t time.Time) string {
			switch {
			case allDay:
				return name + ";VALUE=DATE:" + t.Format("20060102") + "\r\n"
			case z == "":
				return name + ":" + t.Format("20060102T150405Z") + "\r\n"
			case z == "float":
				return name + ":" + t.Format("20060102T150405") + "\r\n"
			}
			return name + ";TZID=" + z + ":" + t.Format("20060102T150405") + "\r\n"
		}
		start := at(startH)
		ev := "BEGIN:VEVENT\r\nUID:u\r\nDTSTAMP:20260101T000000Z\r\n" + dt("DTSTART", start)
		if lenH != 0 {
			ev += dt("DTEND", start.Add(time.Duration(lenH%(24*30))*time.Hour))
		}
		if rule != "" {
			ev += "RRULE:" + rule + "\r\n"
		}
		if rdateH != 0 {
			ev += dt("RDATE", at(rdateH))
		}
		if exdateH != 0 {
			ev += dt("EXDATE", start.Add(time.Duration(exdateH%(24*400))*time.Hour))
		}
		ev += "END:VEVENT\r\n"
		body := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n" + ev + "END:VCALENDAR\r\n"
		ps, code, _, _, panicked := safeCheck(h, []byte(body), groups.FeatureEvent)
		if panicked {
			t.Fatalf("checkObject panics on %q", body)
		}
		if code != 0 {
			return
		}
		cal, err := ical.NewDecoder(strings.NewReader(ps.data)).Decode()
		if err != nil {
			t.Fatal(err)
		}
		ws := at(from)
		w := recur.Range{Start: ws, End: ws.Add(time.Duration(1+int64(length)&0xffff) * time.Hour)}
		o := newObject(cal, time.UTC, recur.NewBudget(defaultQueryLimits()))
		for _, c := range cal.Children {
			if c.Name != ical.CompEvent {
				continue
			}
			if ok, err := o.inRange(c, w); err == nil && ok && (w.Start.Unix() > ps.last || w.End.Unix() < ps.first) {
				t.Fatalf("window %v..%v finds the object but its span is [%v, %v]:\n%s", w.Start, w.End,
					time.Unix(ps.first, 0).UTC(), time.Unix(ps.last, 0).UTC(), ps.data)
			}
		}
	})
}

// safeCheck is checkObject with a panic caught.
func safeCheck(h *handler, body []byte, feature string) (ps *putState, code int, cond, msg string, panicked bool) {
	defer func() {
		if recover() != nil {
			panicked = true
		}
	}()
	ps, code, cond, msg = h.checkObject(body, feature)
	return ps, code, cond, msg, false
}
