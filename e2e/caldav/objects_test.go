package caldav

import (
	"context"
	"strings"
	"testing"
)

// TestObjectLifecycle: bob creates an event with go-webdav's client, alice
// (another member) reads it; a replacement with a stale If-Match is 412
// and changes nothing, with the current ETag it is 204 and a new ETag;
// a DELETE with a stale If-Match is 412, with the current one 204, and
// the event is gone for everyone.
func TestObjectLifecycle(t *testing.T) {
	t.Parallel()
	e := start(t)
	ctx := context.Background()
	const p = events + "lunch.ics"
	co, err := e.client("bob").PutCalendarObject(ctx, p, parse(t, ics(event("lunch-1",
		"DTSTART:20260310T120000Z", "DTEND:20260310T130000Z", "SUMMARY:Lunch"))))
	if err != nil || co.ETag == "" {
		t.Fatalf("create: %v %+v", err, co)
	}
	got, err := e.client("alice").GetCalendarObject(ctx, p)
	if err != nil || got.ETag != co.ETag || got.Data.Children[0].Props.Get("SUMMARY").Value != "Lunch" {
		t.Fatalf("alice reads: %v %+v", err, got)
	}
	etag1 := `"` + co.ETag + `"`
	if code, _, _ := e.put("bob", p, ics(event("lunch-1", "DTSTART:20260310T120000Z")), hdr{"If-None-Match": "*"}); code != 412 {
		t.Fatalf("If-None-Match * on an existing event: %d", code)
	}
	moved := ics(event("lunch-1", "DTSTART:20260311T120000Z", "SUMMARY:Lunch, moved"))
	if code, _, _ := e.put("alice", p, moved, hdr{"If-Match": `"stale"`}); code != 412 {
		t.Fatalf("If-Match with a stale ETag: %d", code)
	}
	if got, _ := e.client("bob").GetCalendarObject(ctx, p); got.ETag != co.ETag {
		t.Fatalf("a refused PUT changed the event: %q", got.ETag)
	}
	code, etag2, _ := e.put("alice", p, moved, hdr{"If-Match": etag1})
	if code != 204 || etag2 == "" || etag2 == etag1 {
		t.Fatalf("replace: %d %q (was %s)", code, etag2, etag1)
	}
	code, body, h := e.do("bob", "GET", p, "", nil)
	if code != 200 || h.Get("ETag") != etag2 || !strings.Contains(body, "Lunch, moved") {
		t.Fatalf("GET after replace: %d %q %s", code, h.Get("ETag"), body)
	}
	if code, _, _ := e.do("bob", "GET", p, "", hdr{"If-None-Match": etag2}); code != 304 {
		t.Fatalf("GET with the current ETag in If-None-Match: %d", code)
	}
	if code, _, _ := e.do("bob", "DELETE", p, "", hdr{"If-Match": etag1}); code != 412 {
		t.Fatalf("DELETE with a stale ETag: %d", code)
	}
	if code, _, _ := e.do("bob", "DELETE", p, "", hdr{"If-Match": etag2}); code != 204 {
		t.Fatalf("DELETE: %d", code)
	}
	if _, err := e.client("alice").GetCalendarObject(ctx, p); err == nil {
		t.Fatal("the deleted event is still there")
	}
	if code, _, _ := e.do("bob", "DELETE", p, "", nil); code != 404 {
		t.Fatalf("DELETE again: %d", code)
	}
	// A new name is 201.
	if code, etag, _ := e.put("bob", events+"new.ics", ics(event("new-1", "DTSTART:20260312T120000Z")), hdr{"If-None-Match": "*"}); code != 201 || etag == "" {
		t.Fatalf("create with If-None-Match *: %d %q", code, etag)
	}
}

// TestBadInput: what a broken or hostile client sends is refused with a
// clear 4xx (a DAV:error naming the precondition, and a sentence) and
// leaves nothing stored.
func TestBadInput(t *testing.T) {
	t.Parallel()
	e := start(t)
	if code, _, _ := e.put("bob", events+"a.ics", ics(event("dup", "DTSTART:20260101T100000Z")), nil); code != 201 {
		t.Fatalf("setup: %d", code)
	}
	big := ics(event("big", "DTSTART:20260101T100000Z", "DESCRIPTION:"+strings.Repeat("x", 5<<20)))
	cases := []struct {
		name, path, body string
		code             int
		want             string
	}{
		{"broken", events + "x.ics", "BEGIN:VCALENDAR\r\nthis is not iCalendar\r\n", 400, "valid-calendar-data"},
		{"not a calendar", events + "x.ics", "hello", 400, "not valid iCalendar"},
		{"parser crash", events + "x.ics", "0;0=", 400, "not valid iCalendar"},
		{"two VCALENDARs", events + "x.ics", ics(event("t1", "DTSTART:20260101T100000Z")) + ics(event("t2", "DTSTART:20260101T100000Z")), 400, "exactly one VCALENDAR"},
		{"no UID", events + "x.ics", ics("BEGIN:VEVENT\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260101T100000Z\r\nEND:VEVENT\r\n"), 400, "valid-calendar-object-resource"},
		{"5 MB", events + "x.ics", big, 413, "max-resource-size"},
		{"VEVENT in tasks", tasks + "x.ics", ics(event("e1", "DTSTART:20260101T100000Z")), 403, "supported-calendar-component"},
		{"VTODO in events", events + "x.ics", ics(todo("t3")), 403, "supported-calendar-component"},
		{"UID twice", events + "x.ics", ics(event("dup", "DTSTART:20260102T100000Z")), 409, "no-uid-conflict"},
		{"dot dot", "/dav/calendars/team/events/../tasks/x.ics", ics(todo("t4")), 400, "dot segment"},
		{"dot dot out of the tree", "/dav/calendars/../../groupd.db", ics(todo("t5")), 400, "dot segment"},
		{"encoded dot dot", "/dav/calendars/team/events/%2e%2e/x.ics", ics(event("s1", "DTSTART:20260101T100000Z")), 400, "dot segment"},
		{"encoded slash", "/dav/calendars/team/events/a%2Fb.ics", ics(event("s2", "DTSTART:20260101T100000Z")), 400, "encoded slash"},
		{"empty segment", "/dav/calendars/team//events/x.ics", ics(event("s5", "DTSTART:20260101T100000Z")), 400, "empty segment"},
		{"encoded slash in group", "/dav/calendars/team%2fevents/x.ics", ics(event("s3", "DTSTART:20260101T100000Z")), 400, "encoded slash"},
		{"collection", events, ics(event("s4", "DTSTART:20260101T100000Z")), 405, "collections are fixed"},
	}
	for _, tc := range cases {
		code, _, body := e.put("bob", tc.path, tc.body, nil)
		if code != tc.code || !strings.Contains(body, tc.want) {
			t.Errorf("%s: %d %.300s", tc.name, code, body)
		}
	}
	if n := e.count("bob", events); n != 1 {
		t.Errorf("events holds %d objects, want only a.ics", n)
	}
	if n := e.count("bob", tasks); n != 0 {
		t.Errorf("tasks holds %d objects", n)
	}
	// Reading through traversal is refused too.
	for _, p := range []string{"/dav/calendars/team/tasks/../events/a.ics", "/dav/calendars/team/tasks/%2e%2e/events/a.ics",
		"/dav/calendars/team/events%2Fa.ics"} {
		if code, body, _ := e.do("bob", "GET", p, "", nil); code != 400 {
			t.Errorf("GET %s: %d %s", p, code, body)
		}
	}
	if code, _, _ := e.put("bob", events+"ok.ics", ics(event("ok", "DTSTART:20260101T100000Z")), nil); code != 201 {
		t.Fatalf("a good PUT after the bad ones: %d", code)
	}
}
