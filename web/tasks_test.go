package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestTickTask: a task a client stored and one added through the form
// are listed to do, by due date; ticking one stores STATUS:COMPLETED,
// COMPLETED and PERCENT-COMPLETE:100 with a new ETag and sync token, so
// clients see it; a stale tick is refused; unticking reopens it.
func TestTickTask(t *testing.T) {
	e := newCalEnv(t)
	e.davPut(t, "club", "task", "paint.ics", "paint-1", `BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Test//Client//EN
BEGIN:VTODO
UID:paint-1
DTSTAMP:20261101T000000Z
SUMMARY:Buy paint
DUE;VALUE=DATE:20261201
STATUS:NEEDS-ACTION
END:VTODO
END:VCALENDAR`)
	bob := e.signin(t, "bob@example.test", "password1")
	bob.get(t, "/g/club/tasks")
	if st, b, _ := bob.postForm(t, "/g/club/tasks/new", url.Values{"summary": {" "}, "due": {"2026-12-03"}}); st != http.StatusUnprocessableEntity ||
		!strings.Contains(text(b), "Say what is to be done.") || !strings.Contains(b, `value="2026-12-03"`) {
		t.Fatalf("empty task: %d %s", st, text(b))
	}
	if st, _, loc := bob.postForm(t, "/g/club/tasks/new", url.Values{"summary": {"Call the printer"}, "due": {"2026-11-10"}}); st != http.StatusSeeOther ||
		loc != "/g/club/tasks?done=tasksaved" {
		t.Fatalf("add task: %d %q", st, loc)
	}
	st, b := bob.get(t, "/g/club/tasks")
	todo, done, _ := strings.Cut(text(b), "Done")
	if st != 200 || !strings.Contains(todo, "Call the printer due 10 Nov 2026 overdue") || !strings.Contains(todo, "Buy paint due 1 Dec 2026") ||
		strings.Index(todo, "Call the printer") > strings.Index(todo, "Buy paint") ||
		!strings.Contains(done, "No task is done yet.") {
		t.Fatalf("tasks page: %d %s", st, text(b))
	}

	cal := e.davCal(t, "bob@example.test", "club", "task")
	token, _ := cal.Token(context.Background())
	before, _ := e.davGet(t, "club", "task", "paint.ics")
	action, form := rowForm(t, b, "Buy paint")
	if st, _, _ := bob.postForm(t, action, form); st != http.StatusSeeOther {
		t.Fatalf("tick: %d", st)
	}
	o, ics := e.davGet(t, "club", "task", "paint.ics")
	if prop(t, ics, "VTODO", "STATUS") != "COMPLETED" || !strings.HasSuffix(prop(t, ics, "VTODO", "COMPLETED"), "Z") ||
		prop(t, ics, "VTODO", "PERCENT-COMPLETE") != "100" || prop(t, ics, "VTODO", "UID") != "paint-1" || o.ETag == before.ETag {
		t.Fatalf("ticked task:\n%s", o.Data)
	}
	if now, _ := cal.Token(context.Background()); now <= token {
		t.Fatalf("sync token %d after the tick, was %d", now, token)
	}
	_, b = bob.get(t, "/g/club/tasks")
	if todo, done, _ := strings.Cut(text(b), "Done"); strings.Contains(todo, "Buy paint") || !strings.Contains(done, "Buy paint") {
		t.Fatalf("after tick: %s", text(b))
	}

	form.Set("done", "0") // the ETag from before the tick
	if st, b, _ := bob.postForm(t, action, form); st != http.StatusConflict || !strings.Contains(text(b), "changed in the meantime") {
		t.Fatalf("stale tick: %d %s", st, text(b))
	}
	if o2, _ := e.davGet(t, "club", "task", "paint.ics"); o2.ETag != o.ETag {
		t.Fatal("a stale tick was written")
	}
	_, b = bob.get(t, "/g/club/tasks")
	action, form = rowForm(t, b, "Buy paint")
	if form.Get("done") != "0" {
		t.Fatalf("a done task offers done=%q", form.Get("done"))
	}
	bob.postForm(t, action, form)
	_, ics = e.davGet(t, "club", "task", "paint.ics")
	if prop(t, ics, "VTODO", "STATUS") != "NEEDS-ACTION" || ics.Children[0].Props.Get("COMPLETED") != nil {
		t.Fatalf("reopened task: %+v", ics.Children[0].Props)
	}

	// The form's task as a client reads it.
	c := e.davCal(t, "alice@example.test", "club", "task")
	list, _ := c.List(context.Background())
	for _, l := range list {
		if l.Name == "paint.ics" {
			continue
		}
		_, ics := e.davGet(t, "club", "task", l.Name)
		if prop(t, ics, "VTODO", "SUMMARY") != "Call the printer" || prop(t, ics, "VTODO", "DUE") != "20261110" ||
			l.Name != prop(t, ics, "VTODO", "UID")+".ics" || prop(t, ics, "VTODO", "DTSTAMP") == "" {
			t.Fatalf("added task: %+v", ics.Children[0].Props)
		}
	}
}
