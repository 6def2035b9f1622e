package caldav

import (
	"context"
	"testing"

	gocaldav "github.com/emersion/go-webdav/caldav"
)

// TestRecurrenceQueries: a weekly event created in January is found by a
// one-month time-range query in June and not in a week it skips; an
// overridden instance (RECURRENCE-ID) is found at its moved time and not
// at its original one; a one-off event only in its own month.
func TestRecurrenceQueries(t *testing.T) {
	t.Parallel()
	e := start(t)
	c := e.client("bob")
	puts := map[string]string{
		"weekly.ics": ics(event("weekly", "DTSTART:20260106T090000Z", "DTEND:20260106T093000Z",
			"RRULE:FREQ=WEEKLY;BYDAY=TU", "EXDATE:20260616T090000Z", "SUMMARY:Stand-up")),
		// The 10 March instance of a weekly Tuesday meeting moves to
		// Thursday 12 March, 15:00.
		"moved.ics": ics(event("moved", "DTSTART:20260303T100000Z", "DTEND:20260303T110000Z",
			"RRULE:FREQ=WEEKLY;COUNT=4", "SUMMARY:Review"),
			event("moved", "RECURRENCE-ID:20260310T100000Z", "DTSTART:20260312T150000Z",
				"DTEND:20260312T160000Z", "SUMMARY:Review (moved)")),
		"once.ics": ics(event("once", "DTSTART:20260115T100000Z", "DTEND:20260115T110000Z", "SUMMARY:Kick-off")),
	}
	for name, body := range puts {
		if code, _, b := e.put("bob", events+name, body, nil); code != 201 {
			t.Fatalf("PUT %s: %d %s", name, code, b)
		}
	}
	for _, q := range []struct {
		from, to string
		want     []string
	}{
		{"2026-06-01T00:00", "2026-07-01T00:00", []string{"weekly.ics"}}, // months later
		{"2026-06-15T00:00", "2026-06-17T00:00", nil},                    // the EXDATE
		{"2026-06-22T00:00", "2026-06-24T00:00", []string{"weekly.ics"}}, // the week after
		{"2026-01-01T00:00", "2026-02-01T00:00", []string{"once.ics", "weekly.ics"}},
		{"2026-03-12T14:00", "2026-03-12T17:00", []string{"moved.ics"}},  // the moved instance
		{"2026-03-10T09:30", "2026-03-10T11:30", nil},                    // its original time (weekly is 09:00–09:30)
		{"2026-03-17T09:45", "2026-03-17T10:30", []string{"moved.ics"}},  // an instance not moved
		{"2026-04-01T00:00", "2026-04-30T00:00", []string{"weekly.ics"}}, // COUNT=4 is over
	} {
		got := query(t, c, events, "VEVENT", at(q.from), at(q.to))
		if !eq(got, q.want...) {
			t.Errorf("%s .. %s: %v, want %v", q.from, q.to, got, q.want)
		}
	}
	// The calendar-data returned is the stored object, override included.
	objs, err := c.MultiGetCalendar(context.Background(), events, &gocaldav.CalendarMultiGet{
		Paths: []string{events + "moved.ics"}, CompRequest: gocaldav.CalendarCompRequest{Name: "VCALENDAR", AllProps: true, AllComps: true}})
	if err != nil || len(objs) != 1 || len(objs[0].Data.Children) != 2 {
		t.Fatalf("multiget: %v %+v", err, objs)
	}
}

// TestTodoQuery: a VTODO time-range query on the tasks collection finds
// the tasks due or starting in the window (RFC 4791 §9.9) and a task
// without dates always; the events collection holds no tasks.
func TestTodoQuery(t *testing.T) {
	t.Parallel()
	e := start(t)
	c := e.client("alice")
	for name, body := range map[string]string{
		"due-may.ics":   ics(todo("due-may", "DUE:20260515T120000Z", "SUMMARY:Write minutes")),
		"due-june.ics":  ics(todo("due-june", "DTSTART:20260601T090000Z", "DUE:20260610T120000Z", "SUMMARY:Book the room")),
		"undated.ics":   ics(todo("undated", "SUMMARY:Someday")),
		"completed.ics": ics(todo("completed", "COMPLETED:20260520T080000Z", "STATUS:COMPLETED", "SUMMARY:Done")),
	} {
		if code, _, b := e.put("bob", tasks+name, body, nil); code != 201 {
			t.Fatalf("PUT %s: %d %s", name, code, b)
		}
	}
	got := query(t, c, tasks, "VTODO", at("2026-05-01T00:00"), at("2026-06-01T00:00"))
	if !eq(got, "completed.ics", "due-may.ics", "undated.ics") {
		t.Errorf("May: %v", got)
	}
	got = query(t, c, tasks, "VTODO", at("2026-06-05T00:00"), at("2026-06-06T00:00"))
	if !eq(got, "due-june.ics", "undated.ics") {
		t.Errorf("5 June: %v", got)
	}
	if got := query(t, c, events, "VEVENT", at("2026-01-01T00:00"), at("2027-01-01T00:00")); len(got) != 0 {
		t.Errorf("events holds %v", got)
	}
	// A case-insensitive text-match on SUMMARY (go-webdav's client does
	// not send prop-filters: raw XML).
	code, body, _ := e.do("alice", "REPORT", tasks, `<?xml version="1.0"?>
<c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:getetag/></d:prop>
<c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VTODO"><c:prop-filter name="SUMMARY">
<c:text-match collation="i;unicode-casemap">ROOM</c:text-match></c:prop-filter></c:comp-filter></c:comp-filter></c:filter>
</c:calendar-query>`, hdr{"Content-Type": "application/xml", "Depth": "1"})
	if code != 207 || !eq(hrefs(body), tasks+"due-june.ics") {
		t.Errorf("text-match ROOM: %d %v", code, hrefs(body))
	}
}
