package calendar

import (
	"context"
	"strconv"
	"strings"
	"testing"

	gocaldav "github.com/emersion/go-webdav/caldav"
)

// TestObjectLifecycle: create, read, replace and delete an event with
// go-webdav's client and raw HTTP, ETags and conditional requests honoured.
func TestObjectLifecycle(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	ctx := context.Background()
	c := e.client("bob")
	const p = "/dav/calendars/team/events/lunch.ics"
	body := ics(event("lunch-1", "DTSTART:20250310T120000Z", "DTEND:20250310T130000Z", "SUMMARY:Lunch"))
	co, err := c.PutCalendarObject(ctx, p, parseICS(t, body))
	if err != nil {
		t.Fatal(err)
	}
	if co.ETag == "" {
		t.Fatal("no ETag on create")
	}
	got, err := c.GetCalendarObject(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if got.ETag != co.ETag || got.Data.Children[0].Props.Get("SUMMARY").Value != "Lunch" {
		t.Fatalf("GET: etag %q vs %q, %+v", got.ETag, co.ETag, got.Data.Children[0].Props)
	}
	// alice, another member, sees it too.
	if _, err := e.client("alice").GetCalendarObject(ctx, p); err != nil {
		t.Fatalf("alice: %v", err)
	}

	// A second PUT to a new name answers 201, a replacement 204.
	code, etag1 := e.put("bob", "/dav/calendars/team/events/b.ics", ics(event("b-1", "DTSTART:20250311T120000Z")), nil)
	if code != 201 || etag1 == "" {
		t.Fatalf("create: %d %q", code, etag1)
	}
	code, _ = e.put("bob", "/dav/calendars/team/events/b.ics", ics(event("b-1", "DTSTART:20250311T120000Z")), hdr{"If-None-Match": "*"})
	if code != 412 {
		t.Fatalf("If-None-Match * on an existing object: %d", code)
	}
	code, _ = e.put("bob", "/dav/calendars/team/events/b.ics", ics(event("b-1", "DTSTART:20250312T120000Z")), hdr{"If-Match": `"nope"`})
	if code != 412 {
		t.Fatalf("If-Match with a stale ETag: %d", code)
	}
	code, etag2 := e.put("bob", "/dav/calendars/team/events/b.ics", ics(event("b-1", "DTSTART:20250312T120000Z")), hdr{"If-Match": etag1})
	if code != 204 || etag2 == "" || etag2 == etag1 {
		t.Fatalf("replace: %d %q (was %q)", code, etag2, etag1)
	}
	code, body2, h := e.do("bob", "GET", "/dav/calendars/team/events/b.ics", "", nil)
	if code != 200 || h.Get("ETag") != etag2 || !strings.Contains(body2, "20250312T120000Z") {
		t.Fatalf("GET after replace: %d %q %s", code, h.Get("ETag"), body2)
	}
	if code, _, _ := e.do("bob", "DELETE", "/dav/calendars/team/events/b.ics", "", hdr{"If-Match": etag1}); code != 412 {
		t.Fatalf("DELETE with a stale ETag: %d", code)
	}
	if code, _, _ := e.do("bob", "DELETE", "/dav/calendars/team/events/b.ics", "", hdr{"If-Match": etag2}); code != 204 {
		t.Fatalf("DELETE: %d", code)
	}
	if code, _, _ := e.do("bob", "GET", "/dav/calendars/team/events/b.ics", "", nil); code != 404 {
		t.Fatalf("GET after DELETE: %d", code)
	}
	if err := c.RemoveAll(ctx, p); err != nil {
		t.Fatal(err)
	}
	objs, err := c.QueryCalendar(ctx, "/dav/calendars/team/events/", &gocaldav.CalendarQuery{CompFilter: gocaldav.CompFilter{Name: "VCALENDAR"}})
	if err != nil || len(objs) != 0 {
		t.Fatalf("left after deletes: %d %v", len(objs), err)
	}
}

// TestBadInput: broken iCalendar, an oversized object, a VEVENT among
// tasks, a UID used twice, dot segments and encoded slashes: clear
// errors, and nothing stored.
func TestBadInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	ev := "/dav/calendars/team/events/"
	if code, _ := e.put("bob", ev+"a.ics", ics(event("dup", "DTSTART:20250101T100000Z")), nil); code != 201 {
		t.Fatalf("setup: %d", code)
	}
	big := ics(event("big", "DTSTART:20250101T100000Z", "DESCRIPTION:"+strings.Repeat("x", 5<<20)))
	cases := []struct {
		name, path, body string
		code             int
		want             string
	}{
		{"broken", ev + "x.ics", "BEGIN:VCALENDAR\r\nthis is not ical\r\n", 400, "valid-calendar-data"},
		{"no calendar", ev + "x.ics", "hello", 400, "valid-calendar-data"},
		// go-ical's decoder panics on these; the panic is recovered (decode.go).
		{"parser panic", ev + "x.ics", "0;0=", 400, "not valid iCalendar: a content line is malformed"},
		{"parser panic 2", ev + "x.ics", "0;=", 400, "not valid iCalendar"},
		{"parser panic 3", ev + "x.ics", "0;0=0\"", 400, "not valid iCalendar"},
		{"parser panic inside", ev + "x.ics", "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nX;A=\r\nEND:VCALENDAR\r\n", 400, "not valid iCalendar"},
		// The rrule library panics expanding this (found by fuzzing).
		{"rrule panic", ev + "x.ics", ics(event("r0", "DTSTART:00000101", "RRULE:FREQ=MONTHLY;BYDAY=0FR")), 400, "recurrence rule cannot be expanded"},
		{"two types", ev + "x.ics", ics(event("t1", "DTSTART:20250101T100000Z"), todo("t1")), 400, "valid-calendar-object-resource"},
		{"no uid", ev + "x.ics", ics("BEGIN:VEVENT\r\nDTSTAMP:20250101T000000Z\r\nDTSTART:20250101T100000Z\r\nEND:VEVENT\r\n"), 400, "valid-calendar-object-resource"},
		{"too big", ev + "x.ics", big, 413, "max-resource-size"},
		{"event in tasks", "/dav/calendars/team/tasks/x.ics", ics(event("e1", "DTSTART:20250101T100000Z")), 403, "supported-calendar-component"},
		{"uid twice", ev + "x.ics", ics(event("dup", "DTSTART:20250102T100000Z")), 409, "<C:no-uid-conflict><D:href>/dav/calendars/team/events/a.ics</D:href>"},
		{"dot dot", "/dav/calendars/team/events/../tasks/x.ics", ics(todo("t2")), 400, ""},
		{"encoded slash", "/dav/calendars/team/events/a%2Fb.ics", ics(event("s1", "DTSTART:20250101T100000Z")), 400, ""},
		{"encoded dot dot", "/dav/calendars/team/events/%2e%2e/x.ics", ics(event("s2", "DTSTART:20250101T100000Z")), 400, ""},
		{"collection", ev, ics(event("s3", "DTSTART:20250101T100000Z")), 405, ""},
		{"outsider", "/dav/calendars/hidden/events/x.ics", ics(event("o1", "DTSTART:20250101T100000Z")), 404, ""},
	}
	for _, tc := range cases {
		user := "bob"
		if tc.name == "outsider" {
			user = "carol"
		}
		code, body, _ := e.doRaw(user, "PUT", tc.path, tc.body, hdr{"Content-Type": "text/calendar"})
		if code != tc.code || !strings.Contains(body, tc.want) {
			t.Errorf("%s: %d %.200s", tc.name, code, body)
		}
	}
	// Nothing but a.ics is stored, in either collection.
	for _, coll := range []string{ev, "/dav/calendars/team/tasks/"} {
		_, body, _ := e.do("bob", "PROPFIND", coll, "", hdr{"Depth": "1"})
		if n := strings.Count(body, "<d:response>"); (coll == ev && n != 2) || (coll != ev && n != 1) {
			t.Errorf("%s holds %d responses:\n%s", coll, n, body)
		}
	}
	// The server still works.
	if code, _ := e.put("bob", ev+"ok.ics", ics(event("ok", "DTSTART:20250101T100000Z")), nil); code != 201 {
		t.Fatalf("after bad input: %d", code)
	}
}

// TestConditionalGet: If-None-Match with the current ETag is 304.
func TestConditionalGet(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	p := "/dav/calendars/team/events/c.ics"
	_, etag := e.put("bob", p, ics(event("c", "DTSTART:20250101T100000Z")), nil)
	if code, _, _ := e.do("bob", "GET", p, "", hdr{"If-None-Match": etag}); code != 304 {
		t.Fatalf("GET with the current ETag: %d", code)
	}
	if code, _, _ := e.do("bob", "GET", p, "", hdr{"If-None-Match": `"other"`}); code != 200 {
		t.Fatalf("GET with another ETag: %d", code)
	}
}

// TestNonASCII: an event in any script comes back byte for byte, with a
// Content-Length that counts bytes.
func TestNonASCII(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	p := "/dav/calendars/team/events/caf%C3%A9.ics"
	if code, _ := e.put("bob", p, ics(event("cafe", "DTSTART:20250101T100000Z", "SUMMARY:Réunion ☕ 会議")), nil); code != 201 {
		t.Fatalf("PUT: %d", code)
	}
	code, body, h := e.do("bob", "GET", p, "", nil)
	if code != 200 || !strings.Contains(body, "SUMMARY:Réunion ☕ 会議") || h.Get("Content-Length") != strconv.Itoa(len(body)) {
		t.Fatalf("GET: %d %q %s", code, h.Get("Content-Length"), body)
	}
	_, body, _ = e.do("bob", "PROPFIND", "/dav/calendars/team/events/", "", hdr{"Depth": "1"})
	if !strings.Contains(body, "/dav/calendars/team/events/caf%C3%A9.ics") {
		t.Fatalf("href not escaped: %s", body)
	}
}

// TestHostileRecurrence: a rule of a million instances per day from 1970
// is refused at PUT (403 CALDAV:max-instances with a sentence); stored
// anyway, as before the limits, queries over it still answer
// (limits_test.go).
func TestHostileRecurrence(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	ev := "/dav/calendars/team/events/"
	code, body, _ := e.do("bob", "PUT", ev+"storm.ics", ics(event("storm", "DTSTART:19700101T000000Z", "RRULE:FREQ=SECONDLY")),
		hdr{"Content-Type": "text/calendar"})
	if code != 403 || !strings.Contains(body, "<C:max-instances/>") || !strings.Contains(body, "more than 10000 times in a year") {
		t.Fatalf("PUT: %d %s", code, body)
	}
	if code, _, _ := e.do("bob", "GET", ev+"storm.ics", "", nil); code != 404 {
		t.Fatalf("the refused object was stored: %d", code)
	}
}
