package api

import "testing"

// TestGuestListsOnlyOwnGroups: an external (guest) user's "All groups",
// search and autocomplete show only the groups they belong to, not the
// organisation's public groups, which a colleague sees (SPEC §1).
func TestGuestListsOnlyOwnGroups(t *testing.T) {
	e := newEnv(t)
	e.users("alice@example.test", "carol@example.test", "guest@other.example")
	alice, carol, guest := as("alice@example.test"), as("carol@example.test"), as("guest@other.example")
	e.group(admin, map[string]any{"id": "project", "name": "Project", "external": true,
		"masters": []string{"alice@example.test"}, "members": []string{"guest@other.example"}})
	e.group(alice, map[string]any{"id": "payroll", "name": "Payroll"})
	e.group(alice, map[string]any{"id": "planning", "name": "Planning"})
	cases := []struct {
		w          who
		path, want string
	}{
		{guest, "/api/v1/groups", "project"},
		{guest, "/api/v1/groups?view=all", "project"},
		{guest, "/api/v1/groups?q=p", "project"},
		{guest, "/api/v1/groups?q=pay", ""},
		{guest, "/api/v1/groups?q=planning@lists", ""},
		{guest, "/api/v1/autocomplete?q=p", "project"},
		{guest, "/api/v1/autocomplete?q=pla", ""},
		{guest, "/api/v1/groups?view=belong", "project"},
		{carol, "/api/v1/groups", "payroll,planning,project"},
		{carol, "/api/v1/autocomplete?q=pa", "payroll"},
	}
	for _, c := range cases {
		if got := e.list(c.w, c.path); got != c.want {
			t.Errorf("%s as %s: %q, want %q", c.path, c.w.user, got, c.want)
		}
	}
}
