package calendar

import (
	"context"
	"sort"
	"strings"
	"testing"
	"time"

	gocaldav "github.com/emersion/go-webdav/caldav"
)

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02T15:04", s)
	if err != nil {
		panic(err)
	}
	return t
}

// rangeQuery returns the names of the objects with a comp instance in
// [start, end), sorted.
func rangeQuery(t *testing.T, c *gocaldav.Client, coll, comp string, start, end time.Time) []string {
	t.Helper()
	objs, err := c.QueryCalendar(context.Background(), coll, &gocaldav.CalendarQuery{
		CompRequest: gocaldav.CalendarCompRequest{Name: "VCALENDAR", AllProps: true, AllComps: true},
		CompFilter: gocaldav.CompFilter{Name: "VCALENDAR", Comps: []gocaldav.CompFilter{{
			Name: comp, Start: start, End: end}}}})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, o := range objs {
		names = append(names, o.Path[strings.LastIndexByte(o.Path, '/')+1:])
	}
	sort.Strings(names)
	return names
}

func eq(got []string, want ...string) bool { return strings.Join(got, " ") == strings.Join(want, " ") }

// TestTimeRange: recurrence rules, dates and exceptions, overrides that
// move an instance, all-day and floating events (RFC 4791 §9.9).
func TestTimeRange(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	c := e.client("bob")
	ev := "/dav/calendars/team/events/"
	objs := map[string]string{
		// Weekly on Mondays from 6 Jan 2025, 10:00 Europe/Berlin, except 3 Feb.
		"weekly.ics": ics(event("weekly", "DTSTART;TZID=Europe/Berlin:20250106T100000", "DTEND;TZID=Europe/Berlin:20250106T110000",
			"RRULE:FREQ=WEEKLY;BYDAY=MO", "EXDATE;TZID=Europe/Berlin:20250203T100000", "SUMMARY:Weekly sync")),
		// Daily for 5 days from 1 Mar; the 3 Mar instance moved to 20 Mar.
		"moved.ics": ics(event("moved", "DTSTART:20250301T070000Z", "DURATION:PT1H", "RRULE:FREQ=DAILY;COUNT=5"),
			event("moved", "RECURRENCE-ID:20250303T070000Z", "DTSTART:20250320T150000Z", "DTEND:20250320T160000Z")),
		// One extra date by RDATE.
		"rdate.ics":    ics(event("rdate", "DTSTART:20250105T080000Z", "DTEND:20250105T083000Z", "RRULE:FREQ=YEARLY;COUNT=1", "RDATE:20250415T080000Z")),
		"allday.ics":   ics(event("allday", "DTSTART;VALUE=DATE:20250401", "DTEND;VALUE=DATE:20250403")),
		"floating.ics": ics(event("floating", "DTSTART:20250501T220000", "DTEND:20250501T230000")),
		"single.ics":   ics(event("single", "DTSTART:20250110T100000Z", "DTEND:20250110T110000Z", "SUMMARY:Dentist")),
	}
	for name, body := range objs {
		if code, _ := e.put("bob", ev+name, body, nil); code != 201 {
			t.Fatalf("PUT %s: %d", name, code)
		}
	}
	cases := []struct {
		name       string
		start, end time.Time
		want       []string
	}{
		{"a later month's Monday", day("2025-06-09T00:00"), day("2025-06-10T00:00"), []string{"weekly.ics"}},
		{"DST-shifted instance in UTC", day("2025-06-09T08:00"), day("2025-06-09T08:30"), []string{"weekly.ics"}},
		{"excluded date", day("2025-02-03T00:00"), day("2025-02-04T00:00"), nil},
		{"a Tuesday", day("2025-06-10T00:00"), day("2025-06-11T00:00"), nil},
		{"moved instance at its new time", day("2025-03-20T15:30"), day("2025-03-20T15:45"), []string{"moved.ics"}},
		{"moved instance not at its old time", day("2025-03-03T07:00"), day("2025-03-03T08:00"), nil},
		{"an unmoved instance", day("2025-03-04T07:30"), day("2025-03-04T07:31"), []string{"moved.ics"}},
		{"after COUNT", day("2025-03-06T00:00"), day("2025-03-07T00:00"), nil},
		{"RDATE", day("2025-04-15T08:10"), day("2025-04-15T08:20"), []string{"rdate.ics"}},
		{"all-day second day", day("2025-04-02T12:00"), day("2025-04-02T13:00"), []string{"allday.ics"}},
		{"all-day ends before", day("2025-04-03T00:00"), day("2025-04-04T00:00"), nil},
		{"floating in UTC", day("2025-05-01T22:15"), day("2025-05-01T22:30"), []string{"floating.ics"}},
		{"January", day("2025-01-01T00:00"), day("2025-02-01T00:00"), []string{"rdate.ics", "single.ics", "weekly.ics"}},
		{"open end", day("2025-04-10T00:00"), time.Time{}, []string{"floating.ics", "rdate.ics", "weekly.ics"}},
	}
	for _, tc := range cases {
		if got := rangeQuery(t, c, ev, "VEVENT", tc.start, tc.end); !eq(got, tc.want...) {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestTodoRanges: VTODO time ranges by DTSTART, DUE, DURATION, COMPLETED
// and CREATED (RFC 4791 §9.9).
func TestTodoRanges(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	c := e.client("alice")
	tk := "/dav/calendars/team/tasks/"
	objs := map[string]string{
		"due.ics":       ics(todo("due", "DUE:20250610T120000Z", "SUMMARY:Report")),
		"start.ics":     ics(todo("start", "DTSTART:20250601T090000Z", "DURATION:P2D")),
		"done.ics":      ics(todo("done", "COMPLETED:20250301T100000Z", "CREATED:20250201T100000Z")),
		"undated.ics":   ics(todo("undated", "SUMMARY:Someday")),
		"recurring.ics": ics(todo("recurring", "DTSTART:20250101T090000Z", "DUE:20250101T100000Z", "RRULE:FREQ=MONTHLY")),
	}
	for name, body := range objs {
		if code, _ := e.put("alice", tk+name, body, nil); code != 201 {
			t.Fatalf("PUT %s: %d", name, code)
		}
	}
	cases := []struct {
		name       string
		start, end time.Time
		want       []string
	}{
		{"due day", day("2025-06-10T00:00"), day("2025-06-11T00:00"), []string{"due.ics", "undated.ics"}},
		{"inside the duration", day("2025-06-02T00:00"), day("2025-06-02T01:00"), []string{"start.ics", "undated.ics"}},
		{"between created and completed", day("2025-02-15T00:00"), day("2025-02-16T00:00"), []string{"done.ics", "undated.ics"}},
		{"a later month", day("2025-09-01T09:30"), day("2025-09-01T09:45"), []string{"recurring.ics", "undated.ics"}},
		{"nothing then", day("2024-01-01T00:00"), day("2024-01-02T00:00"), []string{"undated.ics"}},
	}
	for _, tc := range cases {
		if got := rangeQuery(t, c, tk, "VTODO", tc.start, tc.end); !eq(got, tc.want...) {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestTextMatchAndReports: case-insensitive text-match with
// negate-condition, calendar-multiget, free-busy-query.
func TestTextMatchAndReports(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	ev := "/dav/calendars/team/events/"
	e.put("bob", ev+"a.ics", ics(event("a", "DTSTART:20250110T100000Z", "DTEND:20250110T110000Z", "SUMMARY:Quarterly PLANNING")), nil)
	e.put("bob", ev+"b.ics", ics(event("b", "DTSTART:20250110T103000Z", "DTEND:20250110T120000Z", "SUMMARY:Lunch")), nil)
	e.put("bob", ev+"c.ics", ics(event("c", "DTSTART:20250110T140000Z", "DTEND:20250110T150000Z", "SUMMARY:Free", "TRANSP:TRANSPARENT")), nil)
	query := func(match string) string {
		return `<?xml version="1.0"?><c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">
<d:prop><d:getetag/></d:prop><c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT">
<c:prop-filter name="SUMMARY">` + match + `</c:prop-filter></c:comp-filter></c:comp-filter></c:filter></c:calendar-query>`
	}
	_, body, _ := e.do("bob", "REPORT", ev, query(`<c:text-match>planning</c:text-match>`), hdr{"Content-Type": "application/xml", "Depth": "1"})
	if !strings.Contains(body, "a.ics") || strings.Contains(body, "b.ics") {
		t.Fatalf("text-match: %s", body)
	}
	_, body, _ = e.do("bob", "REPORT", ev, query(`<c:text-match negate-condition="yes">PLANNING</c:text-match>`), hdr{"Content-Type": "application/xml"})
	if strings.Contains(body, "a.ics") || !strings.Contains(body, "b.ics") {
		t.Fatalf("negated text-match: %s", body)
	}
	objs, err := e.client("bob").MultiGetCalendar(context.Background(), ev, &gocaldav.CalendarMultiGet{
		Paths:       []string{ev + "a.ics", ev + "b.ics", ev + "missing.ics"},
		CompRequest: gocaldav.CalendarCompRequest{Name: "VCALENDAR", AllProps: true, AllComps: true}})
	if err == nil && len(objs) != 2 {
		t.Fatalf("multiget: %d objects", len(objs))
	}
	code, body, _ := e.do("bob", "REPORT", ev, `<?xml version="1.0"?><c:calendar-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">
<d:prop><d:getetag/><c:calendar-data/></d:prop><d:href>`+ev+`a.ics</d:href><d:href>`+ev+`missing.ics</d:href></c:calendar-multiget>`, hdr{"Content-Type": "application/xml"})
	if code != 207 || !strings.Contains(body, "Quarterly PLANNING") || !strings.Contains(body, "404") {
		t.Fatalf("multiget: %d %s", code, body)
	}
	code, body, _ = e.do("bob", "REPORT", ev, `<?xml version="1.0"?><c:free-busy-query xmlns:c="urn:ietf:params:xml:ns:caldav">
<c:time-range start="20250110T000000Z" end="20250111T000000Z"/></c:free-busy-query>`, hdr{"Content-Type": "application/xml"})
	if code != 200 || !strings.Contains(body, "FREEBUSY;FBTYPE=BUSY:20250110T100000Z/20250110T120000Z") || strings.Contains(body, "T140000Z") {
		t.Fatalf("free-busy: %d %s", code, body)
	}
}
