package console

import (
	"encoding/json"
	"testing"
)

// openTab opens the group's page and follows its tab to path (messages,
// notes, events, folder); a tab the console does not serve yet skips the
// step, naming the page that is missing.
func (j *consoleJourney) openTab(t *testing.T, p *browserTab, path, source string) {
	t.Helper()
	p.open(t, "/g/"+j.id)
	sel := `nav.tabs a[href="/g/` + j.id + `/` + path + `"]`
	if n := evalIn[int](t, p, `document.querySelectorAll('`+sel+`').length`); n == 0 {
		t.Skipf("the group page has no %s tab: the console does not serve /g/{id}/%s yet (%s)", path, path, source)
	}
	p.navigate(t, "the "+path+" tab", clickAction(sel))
}

// purgeNotes: a note (written over the API) is on the Notes tab; Alice
// ticks Note and the confirmation on "Delete data", accepts the dialog
// that names what will be lost, and the note is gone from the tab and
// the API.
func (j *consoleJourney) purgeNotes(t *testing.T) {
	d, p := j.d, j.alice
	const title = "회의록 3월"
	d.asJSON(t, userAlice, "POST", "/api/v1/groups/"+j.id+"/notes", map[string]string{"title": title, "body": "지울 노트"}, nil, 201)
	if j.served(t, "notes") {
		j.openTab(t, p, "notes", "web/notes.go")
		p.see(t, title)
	}
	p.open(t, "/g/"+j.id)
	p.navigate(t, "Delete data", clickAction(`.gactions a[href="/g/`+j.id+`/purge"]`))
	p.click(t, `input[name=f_note]`)
	p.click(t, `input[name=confirm]`)
	if code := p.submit(t, `form[action="/g/`+j.id+`/purge"] button[type=submit]`); code != 200 {
		t.Fatalf("purging answered %d: %s", code, p.text(t))
	}
	p.see(t, d.say(t, "notice.purged"))
	if got, want := j.b.lastDialog(), d.say(t, "purge.confirm.dialog"); got != want {
		t.Fatalf("the confirmation dialog said %q, want %q", got, want)
	}
	var notes struct{ Notes []json.RawMessage }
	d.asJSON(t, userAlice, "GET", "/api/v1/groups/"+j.id+"/notes", nil, &notes, 200)
	if len(notes.Notes) != 0 {
		t.Fatalf("after the purge the API still lists %d notes", len(notes.Notes))
	}
	if j.served(t, "notes") {
		j.openTab(t, p, "notes", "web/notes.go")
		p.notSee(t, title)
		p.see(t, d.say(t, "notes.empty"))
	}
}

// served reports whether the console has a route /g/{id}/path (the
// request carries no session: a route answers with the sign-in form, a
// path without one 404).
func (j *consoleJourney) served(t *testing.T, path string) bool {
	t.Helper()
	code, _ := j.d.as(t, userAlice, "GET", "/g/"+j.id+"/"+path, nil, "")
	return code != 404
}
