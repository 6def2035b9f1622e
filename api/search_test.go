package api

import (
	"net/url"
	"testing"

	"groupd/groups"
)

type groupList struct{ Groups []groups.Summary }

func (e *env) list(w who, path string) string {
	e.t.Helper()
	return summaryIDs(decodeAs[groupList](e.t, e.want(200, e.do(w, "GET", path, nil))).Groups)
}

func TestListViews(t *testing.T) {
	e := newEnv(t)
	e.users("alice@example.test", "bob@example.test", "carol@example.test")
	alice, bob, carol := as("alice@example.test"), as("bob@example.test"), as("carol@example.test")
	e.group(alice, map[string]any{"id": "a-public", "name": "A public"})
	e.group(alice, map[string]any{"id": "b-private", "name": "B private", "public": false, "members": []string{"bob@example.test"}})
	e.group(carol, map[string]any{"id": "c-carol", "name": "C carol", "members": []string{"alice@example.test"}})
	e.group(carol, map[string]any{"id": "d-secret", "name": "D secret", "public": false})

	cases := []struct {
		w    who
		path string
		want string
	}{
		{alice, "/api/v1/groups", "a-public,b-private,c-carol"},
		{alice, "/api/v1/groups?view=all", "a-public,b-private,c-carol"},
		{alice, "/api/v1/groups?view=belong", "a-public,b-private,c-carol"},
		{alice, "/api/v1/groups?view=manage", "a-public,b-private"},
		{bob, "/api/v1/groups?view=all", "a-public,b-private,c-carol"},
		{bob, "/api/v1/groups?view=belong", "b-private"},
		{bob, "/api/v1/groups?view=manage", ""},
		{carol, "/api/v1/groups", "a-public,c-carol,d-secret"},
		{admin, "/api/v1/groups", "a-public,b-private,c-carol,d-secret"},
		{alice, "/api/v1/groups?limit=2", "a-public,b-private"},
		{alice, "/api/v1/groups?limit=2&offset=2", "c-carol"},
		{bob, "/api/v1/groups?q=b", "b-private"},
		{carol, "/api/v1/groups?q=b", ""},
		{carol, "/api/v1/groups?q=B%20PRI", ""},
		{alice, "/api/v1/groups?q=B%20PRI", "b-private"},
		{alice, "/api/v1/groups?q=c-carol@lists", "c-carol"},
		{carol, "/api/v1/autocomplete?q=d", "d-secret"},
		{bob, "/api/v1/autocomplete?q=d", ""},
		{bob, "/api/v1/autocomplete?q=b", "b-private"},
		{carol, "/api/v1/autocomplete?q=b", ""},
		{alice, "/api/v1/autocomplete?q=", ""},
		{alice, "/api/v1/autocomplete?q=a&limit=1", "a-public"},
	}
	for _, c := range cases {
		if got := e.list(c.w, c.path); got != c.want {
			t.Errorf("%s as %s: %q, want %q", c.path, c.w.user, got, c.want)
		}
	}
	e.wantErr(422, "invalid", "view must be all, belong or manage", e.do(alice, "GET", "/api/v1/groups?view=mine", nil))
	e.wantErr(400, "bad_request", "limit", e.do(alice, "GET", "/api/v1/groups?limit=-1", nil))
	e.wantErr(400, "bad_request", "offset", e.do(alice, "GET", "/api/v1/groups?offset=x", nil))
	e.wantErr(400, "bad_request", `unknown query parameter "sort"`, e.do(alice, "GET", "/api/v1/groups?sort=name", nil))
	e.wantErr(400, "bad_request", "limit", e.do(alice, "GET", "/api/v1/autocomplete?q=a&limit=many", nil))
}

// TestSearchIsLiteral: SQL metacharacters, % and _ in search text match
// only themselves.
func TestSearchIsLiteral(t *testing.T) {
	e := newEnv(t)
	e.users("alice@example.test")
	alice := as("alice@example.test")
	for id, name := range map[string]string{
		"pct": "100% done", "pct2": "100 percent", "pct3": "1000 days",
		"under": "a_b", "axb": "axb", "abc": "abc",
		"drop": "x'; DROP TABLE groups;--", "xq": "x quote",
		"back": `back\slash`, "backs": "backs",
	} {
		e.group(alice, map[string]any{"id": id, "name": name})
	}
	cases := map[string]string{
		"100%":                     "pct",
		"100":                      "pct2,pct,pct3",
		"%":                        "",
		"%done":                    "",
		"a_":                       "under",
		"_":                        "",
		"a_b":                      "under",
		"x'":                       "drop",
		"x'; DROP TABLE groups;--": "drop",
		"' OR '1'='1":              "",
		`"`:                        "",
		`back\`:                    "back",
		"*":                        "",
		"[a]":                      "",
	}
	for q, want := range cases {
		for _, route := range []string{"/api/v1/groups?q=", "/api/v1/autocomplete?q="} {
			if got := e.list(alice, route+url.QueryEscape(q)); got != want {
				t.Errorf("%s%q: %q, want %q", route, q, got, want)
			}
		}
	}
	// The table is still there and whole.
	if got := e.list(alice, "/api/v1/groups?limit=500"); len(got) == 0 || e.list(alice, "/api/v1/groups?q=axb") != "axb" {
		t.Fatalf("after hostile searches: %q", got)
	}
}
