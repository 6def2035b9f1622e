package web

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// choir is a weekly event on Tuesdays at 18:00 Berlin time (17:00 UTC in
// winter) from 1 December 2026, as a CalDAV client stores it, with the
// occurrence of 15 December moved to Wednesday 16 December.
const choir = `BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Test//Client//EN
BEGIN:VEVENT
UID:choir-1
DTSTAMP:20261101T000000Z
DTSTART;TZID=Europe/Berlin:20261201T180000
DTEND;TZID=Europe/Berlin:20261201T200000
RRULE:FREQ=WEEKLY;BYDAY=TU
SUMMARY:Choir practice
END:VEVENT
BEGIN:VEVENT
UID:choir-1
DTSTAMP:20261101T000000Z
RECURRENCE-ID;TZID=Europe/Berlin:20261215T180000
DTSTART;TZID=Europe/Berlin:20261216T190000
DTEND;TZID=Europe/Berlin:20261216T210000
SUMMARY:Choir moved
END:VEVENT
END:VCALENDAR`

// TestRecurringMonthView: a weekly event put into the store as a client
// would shows once in the Tuesday column of every week of December, the
// moved occurrence on the Wednesday instead; the upcoming list expands it
// within its 60 days.
func TestRecurringMonthView(t *testing.T) {
	e := newCalEnv(t)
	e.davPut(t, "club", "event", "choir.ics", "choir-1", choir)
	bob := e.signin(t, "bob@example.test", "password1")
	st, b := bob.get(t, "/g/club/events/month?month=2026-12")
	if st != 200 || !strings.Contains(text(b), "December 2026") {
		t.Fatalf("month view: %d %s", st, text(b))
	}
	weeks := monthRows(b)
	if len(weeks) != 5 {
		t.Fatalf("%d weeks in December 2026, want 5", len(weeks))
	}
	for i, w := range weeks {
		want, col := "Choir practice", 2 // Tuesday
		if i == 2 {
			want, col = "Choir moved", 3
		}
		if n := strings.Count(strings.Join(w, ""), "Choir"); n != 1 {
			t.Errorf("week %d: %d occurrences, want 1", i+1, n)
		}
		if !strings.Contains(w[col], want) || !strings.Contains(text(w[col]), "17:00") && i != 2 {
			t.Errorf("week %d: %q not in column %d: %q", i+1, want, col, text(strings.Join(w, " | ")))
		}
	}
	_, b = bob.get(t, "/g/club/events/month?month=2026-10")
	if strings.Contains(b, "Choir practice") {
		t.Error("the series shows before it starts")
	}
	if !strings.Contains(b, `href="/g/club/events/month?month=2026-09"`) || !strings.Contains(b, `href="/g/club/events/month?month=2026-11"`) {
		t.Error("October has no links to September and November")
	}

	// 20 Nov 12:00 UTC + 60 days: the Tuesdays 1 Dec to 12 Jan, one moved.
	_, b = bob.get(t, "/g/club/events")
	if n, m := strings.Count(b, "Choir practice"), strings.Count(b, "Choir moved"); n != 6 || m != 1 {
		t.Errorf("upcoming: %d regular and %d moved occurrences, want 6 and 1: %s", n, m, text(b))
	}
	if !strings.Contains(text(b), "Tue, 1 Dec 2026 17:00–19:00 Choir practice repeats") {
		t.Errorf("upcoming: %s", text(b))
	}

	// An hour later through the form: the series keeps its zone, its rule
	// and its moved occurrence.
	_, b = bob.get(t, "/g/club/events/choir.ics/edit")
	action, form := formTo(t, b, "/edit")
	form.Set("title", "Choir practice")
	form.Set("date", "2026-12-01")
	form.Set("start", "18:00")
	form.Set("end", "20:00")
	if st, _, _ := bob.postForm(t, action, form); st != http.StatusSeeOther {
		t.Fatalf("edit the series: %d", st)
	}
	o, cal := e.davGet(t, "club", "event", "choir.ics")
	p := cal.Children[0].Props.Get("DTSTART")
	if len(cal.Children) != 2 || p.Params.Get("TZID") != "Europe/Berlin" || p.Value != "20261201T190000" ||
		prop(t, cal, "VEVENT", "RRULE") != "FREQ=WEEKLY;BYDAY=TU" {
		t.Fatalf("edited series:\n%s", o.Data)
	}
}

// monthRows splits the month table into weeks of seven day cells.
func monthRows(body string) [][]string {
	_, tbody, _ := strings.Cut(body, "<tbody>")
	tbody, _, _ = strings.Cut(tbody, "</tbody>")
	var weeks [][]string
	for _, row := range strings.Split(tbody, "<tr>")[1:] {
		cells := strings.Split(row, "<td")[1:]
		weeks = append(weeks, cells)
	}
	return weeks
}

// TestHostileRule: an event repeating every second ten million times,
// and one repeating every second since 1900 without end, cost bounded
// work: both views answer quickly, with a bounded page, and an ordinary
// event of the same calendar still shows.
func TestHostileRule(t *testing.T) {
	e := newCalEnv(t)
	e.davPut(t, "club", "event", "flood.ics", "flood", `BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Test//Client//EN
BEGIN:VEVENT
UID:flood
DTSTAMP:20261101T000000Z
DTSTART:20261121T000000Z
RRULE:FREQ=SECONDLY;COUNT=10000000
SUMMARY:Flood
END:VEVENT
END:VCALENDAR`)
	e.davPut(t, "club", "event", "old.ics", "old", `BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Test//Client//EN
BEGIN:VEVENT
UID:old
DTSTAMP:20261101T000000Z
DTSTART:19000101T000000Z
RRULE:FREQ=SECONDLY
SUMMARY:Ancient
END:VEVENT
END:VCALENDAR`)
	e.davPut(t, "club", "event", "party.ics", "party", `BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Test//Client//EN
BEGIN:VEVENT
UID:party
DTSTAMP:20261101T000000Z
DTSTART:20261128T190000Z
DTEND:20261128T230000Z
SUMMARY:Party
END:VEVENT
END:VCALENDAR`)
	bob := e.signin(t, "bob@example.test", "password1")
	for _, p := range []string{"/g/club/events", "/g/club/events/month?month=2026-11"} {
		start := time.Now()
		st, b := bob.get(t, p)
		took := time.Since(start)
		if st != 200 || took > 3*time.Second {
			t.Fatalf("%s: %d in %v", p, st, took)
		}
		if len(b) > 300<<10 || strings.Count(b, "Flood") > maxPerObject {
			t.Errorf("%s: %d bytes, %d occurrences of the flood", p, len(b), strings.Count(b, "Flood"))
		}
		if !strings.Contains(b, "Party") || !strings.Contains(text(b), "Some occurrences of often-repeating events are not shown") {
			t.Errorf("%s: the ordinary event or the notice is missing: %s", p, text(b))
		}
		t.Logf("%s: %v, %d bytes", p, took, len(b))
	}
}
