package api

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"groupd/groups"
)

func TestNotes(t *testing.T) {
	e := newEnv(t)
	e.users("alice@example.test", "bob@example.test", "carol@example.test", "dave@example.test")
	alice, bob, carol, dave := as("alice@example.test"), as("bob@example.test"), as("carol@example.test"), as("dave@example.test")
	e.group(alice, map[string]any{"id": "team", "name": "Team", "members": []string{"bob@example.test", "carol@example.test"}})

	r := e.want(201, e.do(bob, "POST", "/api/v1/groups/team/notes", `{"title": "Agenda", "body": "1. budget\n2. 회의"}`))
	n := decodeAs[groups.Note](t, r)
	if n.Title != "Agenda" || n.Body != "1. budget\n2. 회의" || n.Author != "bob@example.test" || n.ID == 0 {
		t.Errorf("created %+v", n)
	}
	path := fmt.Sprintf("/api/v1/groups/team/notes/%d", n.ID)
	if loc := r.header.Get("Location"); loc != path {
		t.Errorf("Location %q, want %q", loc, path)
	}
	e.want(201, e.do(alice, "POST", "/api/v1/groups/team/notes", `{"title": "Second"}`))

	list := decodeAs[struct{ Notes []groups.Note }](t, e.want(200, e.do(carol, "GET", "/api/v1/groups/team/notes", nil)))
	if len(list.Notes) != 2 || list.Notes[0].Title != "Second" || list.Notes[1].Title != "Agenda" {
		t.Errorf("notes %+v", list.Notes)
	}
	got := decodeAs[groups.Note](t, e.want(200, e.do(carol, "GET", path, nil)))
	if !reflect.DeepEqual(got, n) {
		t.Errorf("read %+v, want %+v", got, n)
	}

	// The author or a master edits and deletes; another member does not.
	e.wantErr(403, "forbidden", "author or a master", e.do(carol, "PATCH", path, `{"title": "Mine"}`))
	e.wantErr(403, "forbidden", "author or a master", e.do(carol, "DELETE", path, nil))
	p := decodeAs[groups.Note](t, e.want(200, e.do(bob, "PATCH", path, `{"body": "edited"}`)))
	if p.Title != "Agenda" || p.Body != "edited" {
		t.Errorf("patched %+v", p)
	}
	e.want(200, e.do(alice, "PATCH", path, `{"title": "By the master"}`))

	// An outsider of a public group sees the group but not its notes.
	e.want(200, e.do(dave, "GET", "/api/v1/groups/team", nil))
	e.wantErr(403, "forbidden", "only members", e.do(dave, "GET", "/api/v1/groups/team/notes", nil))
	e.wantErr(403, "forbidden", "only members", e.do(dave, "GET", path, nil))
	e.wantErr(403, "forbidden", "only members", e.do(dave, "POST", "/api/v1/groups/team/notes", `{"title": "x"}`))
	e.wantErr(403, "forbidden", "only members", e.do(dave, "PATCH", path, `{"title": "x"}`))
	e.wantErr(403, "forbidden", "only members", e.do(dave, "DELETE", path, nil))

	// Bad input.
	e.wantErr(422, "invalid", "title is required", e.do(bob, "POST", "/api/v1/groups/team/notes", `{"body": "no title"}`))
	e.wantErr(422, "invalid", "title", e.do(bob, "POST", "/api/v1/groups/team/notes", `{"title": "`+strings.Repeat("t", groups.MaxNoteTitleChars+1)+`"}`))
	e.wantErr(400, "bad_request", `unknown field "tags"`, e.do(bob, "POST", "/api/v1/groups/team/notes", `{"title": "x", "tags": []}`))
	e.wantErr(400, "bad_request", `"body" must be a string`, e.do(bob, "POST", "/api/v1/groups/team/notes", `{"title": "x", "body": {}}`))
	e.wantErr(404, "not_found", "note not found", e.do(bob, "GET", "/api/v1/groups/team/notes/999", nil))
	e.wantErr(404, "not_found", "note not found", e.do(bob, "GET", "/api/v1/groups/team/notes/abc", nil))

	e.want(204, e.do(bob, "DELETE", path, nil))
	e.wantErr(404, "not_found", "note not found", e.do(bob, "GET", path, nil))

	// A feature switched off takes its data out of reach.
	e.want(200, e.do(alice, "PATCH", "/api/v1/groups/team", `{"features": {"note": false}}`))
	e.wantErr(404, "not_found", "note feature is not available", e.do(bob, "GET", "/api/v1/groups/team/notes", nil))
}
