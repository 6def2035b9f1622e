package api

import (
	"bytes"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"groupd/groups"
)

// TestPrivateGroupIsMissing proves that every route answers an outsider
// asking about a private group byte for byte as it answers about a group
// that never existed: same status, same headers (but Date), same body.
func TestPrivateGroupIsMissing(t *testing.T) {
	e := newEnv(t)
	e.users("alice@example.test", "bob@example.test", "carol@example.test")
	alice, carol := as("alice@example.test"), as("carol@example.test")
	e.group(alice, map[string]any{"id": "hidden", "name": "Hidden", "public": false, "members": []string{"bob@example.test"}})
	n := decodeAs[groups.Note](t, e.want(201, e.do(alice, "POST", "/api/v1/groups/hidden/notes", `{"title": "secret"}`)))
	img := pngImage(t)
	e.want(204, e.do(alice, "PUT", "/api/v1/groups/hidden/profile", img))

	note := fmt.Sprintf("/notes/%d", n.ID)
	requests := []struct {
		method, suffix string
		body           any
	}{
		{"GET", "", nil},
		{"PATCH", "", `{"name": "Taken over"}`},
		{"PATCH", "", `{"public": true}`},
		{"DELETE", "", nil},
		{"POST", "/purge", `{"features": ["note"]}`},
		{"GET", "/members", nil},
		{"PUT", "/members/carol@example.test", nil},
		{"PUT", "/members/carol@example.test", `{"role": "master"}`},
		{"DELETE", "/members/bob@example.test", nil},
		{"GET", "/notes", nil},
		{"POST", "/notes", `{"title": "hello"}`},
		{"GET", note, nil},
		{"PATCH", note, `{"title": "x"}`},
		{"DELETE", note, nil},
		{"GET", "/notes/999", nil},
		{"GET", "/profile", nil},
		{"HEAD", "/profile", nil},
		{"PUT", "/profile", img},
	}
	for _, rq := range requests {
		t.Run(rq.method+rq.suffix, func(t *testing.T) {
			hidden := e.do(carol, rq.method, "/api/v1/groups/hidden"+rq.suffix, rq.body)
			never := e.do(carol, rq.method, "/api/v1/groups/never-was"+rq.suffix, rq.body)
			if hidden.status != http.StatusNotFound {
				t.Fatalf("private group answered %d %s", hidden.status, hidden.body)
			}
			if rq.method != "HEAD" && !strings.Contains(string(hidden.body), `"group not found"`) {
				t.Errorf("body %s", hidden.body)
			}
			if d := sameAnswer(hidden, never); d != "" {
				t.Errorf("private and missing group differ: %s", d)
			}
		})
	}
	// The outsider changed nothing: the group is whole.
	g := decodeAs[groups.Group](t, e.want(200, e.do(alice, "GET", "/api/v1/groups/hidden", nil)))
	if g.Name != "Hidden" || g.Public || strings.Join(g.Members, ",") != "alice@example.test,bob@example.test" {
		t.Errorf("after the outsider: %+v", g)
	}
	e.want(200, e.do(alice, "GET", "/api/v1/groups/hidden"+note, nil))
	// And it is missing from the outsider's lists too.
	for _, path := range []string{"/api/v1/groups", "/api/v1/groups?q=hid", "/api/v1/autocomplete?q=hid", "/api/v1/groups?q=hidden@lists"} {
		if got := e.list(carol, path); got != "" {
			t.Errorf("%s lists %q to an outsider", path, got)
		}
	}
}

// sameAnswer says how two answers differ, or "".
func sameAnswer(a, b resp) string {
	if a.status != b.status {
		return fmt.Sprintf("status %d vs %d", a.status, b.status)
	}
	if !bytes.Equal(a.body, b.body) {
		return fmt.Sprintf("body %q vs %q", a.body, b.body)
	}
	keys := func(h http.Header) []string {
		var k []string
		for name := range h {
			if name != "Date" {
				k = append(k, name)
			}
		}
		slices.Sort(k)
		return k
	}
	if ka, kb := keys(a.header), keys(b.header); !slices.Equal(ka, kb) {
		return fmt.Sprintf("header names %v vs %v", ka, kb)
	}
	for _, name := range keys(a.header) {
		if !slices.Equal(a.header[name], b.header[name]) {
			return fmt.Sprintf("header %s: %q vs %q", name, a.header[name], b.header[name])
		}
	}
	return ""
}
