package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"groupd/groups"
)

// TestNotesWriteEditDelete: a member writes a note through the form,
// reads it (author, date in her time zone, the text as typed), edits and
// deletes it; the list is newest first; a refusal keeps what was typed;
// another member may read but not change it.
func TestNotesWriteEditDelete(t *testing.T) {
	e := newCalEnv(t)
	alice := e.signin(t, "alice@example.test", "password1")
	alice.setZone(t, "Asia/Seoul")
	if st, b := alice.get(t, "/g/club/notes"); st != 200 || !strings.Contains(text(b), "No notes yet") {
		t.Fatalf("empty notes tab: %d %s", st, text(b))
	}

	st, b, _ := alice.postForm(t, "/g/club/notes/new", url.Values{"title": {"  "}, "body": {"kept text"}})
	if st != http.StatusUnprocessableEntity || !strings.Contains(text(b), "Give the note a title.") || !strings.Contains(b, "kept text") {
		t.Fatalf("untitled note: %d %s", st, text(b))
	}

	alice.get(t, "/g/club/notes/new")
	st, _, loc := alice.postForm(t, "/g/club/notes/new", url.Values{"title": {"Agenda"}, "body": {"line one\r\nline two"}})
	if st != http.StatusSeeOther || !regexp.MustCompile(`^/g/club/notes/\d+\?done=notesaved$`).MatchString(loc) {
		t.Fatalf("create note: %d to %q", st, loc)
	}
	notes, err := e.store.Notes(context.Background(), groups.Actor{Email: "bob@example.test"}, "club")
	if err != nil || len(notes) != 1 || notes[0].Body != "line one\nline two" || notes[0].Author != "alice@example.test" {
		t.Fatalf("stored notes: %+v %v", notes, err)
	}
	seoul, _ := time.LoadLocation("Asia/Seoul")
	byline := "Alice · " + notes[0].Created.In(seoul).Format("2 Jan 2006 15:04")
	st, b = alice.get(t, loc)
	if st != 200 || !strings.Contains(text(b), "The note was saved.") || !strings.Contains(b, "line one\nline two") ||
		!strings.Contains(text(b), byline) {
		t.Fatalf("the new note, want %q: %d %s", byline, st, b)
	}
	path := strings.TrimSuffix(loc, "?done=notesaved")

	bob := e.signin(t, "bob@example.test", "password1")
	bob.get(t, "/g/club/notes/new")
	bob.postForm(t, "/g/club/notes/new", url.Values{"title": {"Bob's list"}, "body": {""}})
	_, b = bob.get(t, "/g/club/notes")
	if i, j := strings.Index(b, "Bob&#39;s list"), strings.Index(b, "Agenda"); i < 0 || j < 0 || i > j {
		t.Fatalf("list not newest first: %s", text(b))
	}
	if _, b = bob.get(t, path); strings.Contains(b, path+"/edit") || !strings.Contains(b, "line two") {
		t.Fatalf("bob reads alice's note with an edit link, or cannot read it: %s", text(b))
	}
	if st, b, _ := bob.postForm(t, path+"/edit", url.Values{"title": {"Hijacked"}}); st != http.StatusForbidden {
		t.Fatalf("bob edits alice's note: %d %s", st, text(b))
	}
	if st, _, _ := bob.postForm(t, path+"/delete", url.Values{}); st != http.StatusForbidden {
		t.Fatalf("bob deletes alice's note: %d", st)
	}

	alice.get(t, path+"/edit")
	st, _, loc = alice.postForm(t, path+"/edit", url.Values{"title": {"Agenda v2"}, "body": {"new text"}})
	if st != http.StatusSeeOther {
		t.Fatalf("edit: %d", st)
	}
	if _, b = alice.get(t, loc); !strings.Contains(b, "Agenda v2") || !strings.Contains(b, "new text") {
		t.Fatalf("edited note: %s", text(b))
	}

	_, b = alice.get(t, path)
	st, _, loc = alice.postForm(t, path+"/delete", url.Values{})
	if st != http.StatusSeeOther || loc != "/g/club/notes?done=notedeleted" {
		t.Fatalf("delete: %d to %q", st, loc)
	}
	if _, b = alice.get(t, loc); strings.Contains(b, "Agenda") || !strings.Contains(text(b), "The note was deleted.") {
		t.Fatalf("after delete: %s", text(b))
	}
	if st, _ := alice.get(t, path); st != http.StatusNotFound {
		t.Fatalf("deleted note: %d", st)
	}
}

// TestFeatureTabsHidden: an outsider gets the same not-found page for a
// private group's Notes, Events and Tasks as for a group that does not
// exist, and may not post to them; a member of a group whose feature is
// off gets not found too, and sees no tab for it.
func TestFeatureTabsHidden(t *testing.T) {
	e := newCalEnv(t)
	e.group(t, "alice@example.test", groups.GroupSpec{ID: str("secret"), Name: str("Secret"), Public: no(),
		Features: &groups.FeatureSpec{Note: yes(), Event: yes(), Task: yes()}})
	eve := e.signin(t, "eve@example.test", "password1")
	_, missing := eve.get(t, "/g/nothing/notes")
	for _, p := range []string{"/g/secret/notes", "/g/secret/notes/1", "/g/secret/notes/new", "/g/secret/events",
		"/g/secret/events/month?month=2026-12", "/g/secret/events/new", "/g/secret/tasks"} {
		if st, b := eve.get(t, p); st != http.StatusNotFound || text(b) != text(missing) {
			t.Errorf("outsider at %s: %d %s", p, st, text(b))
		}
	}
	for _, p := range []string{"/g/secret/notes/new", "/g/secret/events/new", "/g/secret/tasks/new"} {
		if st, _, _ := eve.postForm(t, p, url.Values{"title": {"x"}, "summary": {"x"}, "date": {"2026-12-01"}, "allday": {"1"}}); st != http.StatusNotFound {
			t.Errorf("outsider posts to %s: %d", p, st)
		}
	}

	e.group(t, "alice@example.test", groups.GroupSpec{ID: str("plain"), Name: str("Plain"), Members: []string{"bob@example.test"},
		Features: &groups.FeatureSpec{Message: yes(), Note: no(), Event: no(), Task: no(), Folder: no()}})
	bob := e.signin(t, "bob@example.test", "password1")
	for _, p := range []string{"/g/plain/notes", "/g/plain/events", "/g/plain/tasks"} {
		if st, _ := bob.get(t, p); st != http.StatusNotFound {
			t.Errorf("feature off, %s: %d", p, st)
		}
	}
	if _, b := bob.get(t, "/g/plain"); strings.Contains(b, "/g/plain/notes") || strings.Contains(b, "/g/plain/events") {
		t.Errorf("tabs for features that are off: %s", text(b))
	}
	if _, b := bob.get(t, "/g/club"); !strings.Contains(b, `href="/g/club/notes"`) || !strings.Contains(b, `href="/g/club/events"`) ||
		!strings.Contains(b, `href="/g/club/tasks"`) {
		t.Errorf("member's tabs missing: %s", b)
	}
}
