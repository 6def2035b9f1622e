package api

import (
	"strings"
	"testing"

	"groupd/groups"
)

// TestPeople: GET /api/v1/people finds the organisation's internal users
// by name or address prefix, never an external one, and is closed to
// external (guest) users.
func TestPeople(t *testing.T) {
	e := newEnv(t)
	for email, name := range map[string]string{
		"alice@example.test": "Alice Kim", "albert@example.test": "Bert",
		"bob@example.test": "Bob", "al@partner.test": "Al Guest", "minji@example.test": "김민지",
	} {
		e.want(201, e.do(admin, "POST", "/api/v1/users", map[string]any{"email": email, "name": name, "password": "password1"}))
	}
	type answer struct{ People []groups.Person }
	find := func(w who, query string) string {
		t.Helper()
		var got []string
		for _, p := range decodeAs[answer](t, e.want(200, e.do(w, "GET", "/api/v1/people"+query, nil))).People {
			got = append(got, p.Email+"="+p.Name)
		}
		return strings.Join(got, ",")
	}
	alice := as("alice@example.test")
	cases := map[string]string{
		"?q=al":         "alice@example.test=Alice Kim,albert@example.test=Bert",
		"?q=AL":         "alice@example.test=Alice Kim,albert@example.test=Bert",
		"?q=bert":       "albert@example.test=Bert",
		"?q=bob@":       "bob@example.test=Bob",
		"?q=김":          "minji@example.test=김민지",
		"?q=al&limit=1": "alice@example.test=Alice Kim",
		"?q=":           "",
		"?q=guest":      "",
	}
	for q, want := range cases {
		if got := find(alice, q); got != want {
			t.Errorf("%s: %q, want %q", q, got, want)
		}
	}
	if got := find(admin, "?q=b"); got != "albert@example.test=Bert,bob@example.test=Bob" {
		t.Errorf("admin token ?q=b: %q", got)
	}
	e.wantErr(403, "forbidden", "guests", e.do(as("al@partner.test"), "GET", "/api/v1/people?q=al", nil))
	e.wantErr(401, "unauthenticated", "", e.do(nobody, "GET", "/api/v1/people?q=al", nil))
	e.wantErr(400, "bad_request", "limit", e.do(alice, "GET", "/api/v1/people?q=a&limit=x", nil))
	e.wantErr(400, "bad_request", `unknown query parameter "sort"`, e.do(alice, "GET", "/api/v1/people?q=a&sort=name", nil))
}
