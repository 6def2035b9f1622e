package api

import "testing"

// Issue 16 item 4: every name shows in some XML answer (WebDAV, CalDAV),
// so a character XML 1.0 cannot carry is refused wherever a name is set.
func TestNamesXMLCannotCarryRefused(t *testing.T) {
	e := newEnv(t)
	e.users("alice@example.test", "bob@example.test")
	alice := as("alice@example.test")
	e.group(alice, map[string]any{"id": "team", "name": "Team"})
	for _, c := range []struct{ method, path, body string }{
		{"POST", "/api/v1/groups", `{"name": "a\uFFFEb"}`},
		{"POST", "/api/v1/groups", `{"name": "a\uFFFFb"}`},
		{"POST", "/api/v1/groups", `{"name": "X", "description": "a\uFFFEb"}`},
		{"PATCH", "/api/v1/groups/team", `{"name": "a\uFFFEb"}`},
		{"POST", "/api/v1/groups/team/notes", `{"title": "a\uFFFEb"}`},
		{"PATCH", "/api/v1/users/alice@example.test", `{"name": "a\uFFFFb"}`},
	} {
		e.wantErr(422, "invalid", "", e.do(alice, c.method, c.path, c.body))
	}
	e.wantErr(422, "invalid", "XML", e.do(admin, "POST", "/api/v1/users",
		`{"email": "zed@example.test", "name": "z\uFFFEd", "password": "password1"}`))
}
