package api

import "testing"

// TestGuestOpensPublicGroupLikeMissing: a guest who asks for a public
// group they do not belong to, by its id, gets byte for byte what a
// missing group gives, on every route that names a group.
func TestGuestOpensPublicGroupLikeMissing(t *testing.T) {
	e := newEnv(t)
	e.users("alice@example.test", "carol@example.test", "guest@other.example")
	alice, carol, guest := as("alice@example.test"), as("carol@example.test"), as("guest@other.example")
	e.group(admin, map[string]any{"id": "project", "name": "Project", "external": true,
		"masters": []string{"alice@example.test"}, "members": []string{"guest@other.example"}})
	e.group(alice, map[string]any{"id": "payroll", "name": "Payroll"})
	for _, path := range []string{"", "/members", "/notes", "/profile", "/quota"} {
		got := e.do(guest, "GET", "/api/v1/groups/payroll"+path, nil)
		missing := e.do(guest, "GET", "/api/v1/groups/nosuchgroup"+path, nil)
		if got.status != 404 || got.status != missing.status || got.String() != missing.String() {
			t.Errorf("GET %s as a guest: %d %s; a missing group: %d %s", path, got.status, got, missing.status, missing)
		}
	}
	e.want(200, e.do(guest, "GET", "/api/v1/groups/project", nil))
	e.want(200, e.do(carol, "GET", "/api/v1/groups/payroll", nil))
}
