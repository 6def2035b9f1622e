package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestEventFormInCalDAV: an event created through the form is stored as
// a CalDAV client would find it: one VCALENDAR with one VEVENT, its UID
// as the resource name, a DTSTAMP, the SUMMARY typed and the DTSTART of
// 14:00 in the user's zone; a time-range query finds it. Editing keeps
// the UID, raises SEQUENCE and changes the ETag; a stale form is refused
// with a sentence; deleting removes it.
func TestEventFormInCalDAV(t *testing.T) {
	e := newCalEnv(t)
	alice := e.signin(t, "alice@example.test", "password1")
	alice.setZone(t, "Asia/Seoul")
	alice.get(t, "/g/club/events/new?date=2026-12-05")
	form := url.Values{"title": {"Board meeting"}, "date": {"2026-12-05"}, "start": {"14:00"}, "end": {"13:00"},
		"location": {"Room 1"}, "description": {"Budget\r\nReview"}}
	st, b, _ := alice.postForm(t, "/g/club/events/new", form)
	if st != http.StatusUnprocessableEntity || !strings.Contains(text(b), "The event must end after it starts.") ||
		!strings.Contains(b, `value="Board meeting"`) {
		t.Fatalf("end before start: %d %s", st, text(b))
	}
	form.Set("end", "15:30")
	st, _, loc := alice.postForm(t, "/g/club/events/new", form)
	if st != http.StatusSeeOther || loc != "/g/club/events/month?month=2026-12&done=eventsaved" {
		t.Fatalf("create: %d to %q", st, loc)
	}

	o, cal := e.davOnly(t, "club", "event")
	uid := prop(t, cal, "VEVENT", "UID")
	if len(cal.Children) != 1 || o.Name != uid+".ics" || o.UID != uid || prop(t, cal, "VEVENT", "DTSTAMP") == "" ||
		cal.Props.Get("PRODID") == nil || cal.Props.Get("VERSION").Value != "2.0" {
		t.Fatalf("stored object:\n%s", o.Data)
	}
	if s := prop(t, cal, "VEVENT", "SUMMARY"); s != "Board meeting" {
		t.Fatalf("SUMMARY %q", s)
	}
	if s, e := prop(t, cal, "VEVENT", "DTSTART"), prop(t, cal, "VEVENT", "DTEND"); s != "20261205T050000Z" || e != "20261205T063000Z" {
		t.Fatalf("DTSTART %q DTEND %q, want 05:00Z and 06:30Z (14:00 and 15:30 in Seoul)", s, e)
	}
	if d, _ := cal.Children[0].Props.Text("DESCRIPTION"); d != "Budget\nReview" {
		t.Fatalf("DESCRIPTION %q", d)
	}
	day := time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)
	got, err := e.davCal(t, "bob@example.test", "club", "event").Candidates(context.Background(), day.Unix(), day.AddDate(0, 0, 1).Unix())
	if err != nil || len(got) != 1 {
		t.Fatalf("time-range candidates for 5 Dec: %d %v", len(got), err)
	}

	_, b = alice.get(t, loc)
	if !strings.Contains(text(b), "The event was saved.") || !strings.Contains(text(b), "14:00 Board meeting") {
		t.Fatalf("month view after create: %s", text(b))
	}
	edit := "/g/club/events/" + o.Name + "/edit"
	_, b = alice.get(t, edit)
	if !strings.Contains(b, `value="14:00"`) || !strings.Contains(b, `value="15:30"`) || !strings.Contains(b, "Budget\nReview") {
		t.Fatalf("edit form: %s", b)
	}
	stale := alice.csrf
	form.Set("title", "Board meeting (moved room)")
	form.Set("etag", o.ETag)
	if st, _, _ := alice.postForm(t, edit, form); st != http.StatusSeeOther {
		t.Fatalf("edit: %d", st)
	}
	o2, cal2 := e.davOnly(t, "club", "event")
	if o2.ETag == o.ETag || prop(t, cal2, "VEVENT", "UID") != uid || prop(t, cal2, "VEVENT", "SEQUENCE") != "1" ||
		prop(t, cal2, "VEVENT", "SUMMARY") != "Board meeting (moved room)" || prop(t, cal2, "VEVENT", "DTSTART") != "20261205T050000Z" {
		t.Fatalf("after edit:\n%s", o2.Data)
	}

	form.Set("title", "Overwrite")
	form.Set("_csrf", stale)
	st, b, _ = alice.postForm(t, edit, form) // still the first ETag
	if st != http.StatusConflict || !strings.Contains(text(b), "Someone changed this event") || !strings.Contains(b, `value="Overwrite"`) {
		t.Fatalf("stale edit: %d %s", st, text(b))
	}
	if o3, _ := e.davOnly(t, "club", "event"); o3.ETag != o2.ETag {
		t.Fatal("a stale edit was written")
	}

	_, b = alice.get(t, edit)
	action, vals := formTo(t, b, "/delete")
	if st, _, loc := alice.postForm(t, action, vals); st != http.StatusSeeOther || loc != "/g/club/events?done=eventdeleted" {
		t.Fatalf("delete: %d %q", st, loc)
	}
	list, _ := e.davCal(t, "bob@example.test", "club", "event").List(context.Background())
	if len(list) != 0 {
		t.Fatalf("%d objects after delete", len(list))
	}
}

// TestAllDayEvent: an all-day event is stored with DATE values, the end
// being the next day (RFC 5545 §3.6.1), and listed as "All day".
func TestAllDayEvent(t *testing.T) {
	e := newCalEnv(t)
	bob := e.signin(t, "bob@example.test", "password1")
	bob.get(t, "/g/club/events/new")
	st, _, _ := bob.postForm(t, "/g/club/events/new", url.Values{"title": {"Holiday"}, "date": {"2026-11-25"}, "allday": {"1"}})
	if st != http.StatusSeeOther {
		t.Fatalf("create: %d", st)
	}
	_, cal := e.davOnly(t, "club", "event")
	p := cal.Children[0].Props
	if p.Get("DTSTART").Value != "20261125" || p.Get("DTSTART").Params.Get("VALUE") != "DATE" || p.Get("DTEND").Value != "20261126" {
		t.Fatalf("all-day dates: %+v %+v", p.Get("DTSTART"), p.Get("DTEND"))
	}
	if _, b := bob.get(t, "/g/club/events"); !strings.Contains(text(b), "Wed, 25 Nov 2026 All day Holiday") {
		t.Fatalf("upcoming: %s", text(b))
	}
}
