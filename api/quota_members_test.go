package api

import (
	"strings"
	"testing"
)

// TestQuotaOfPublicGroupIsMembersOnly is issue 16's "quota wording": a
// non-member asking for a public group's folder quota is told the folder
// is its members' (403), not that the group is missing; a private
// group's stays 404, like a group that never existed.
func TestQuotaOfPublicGroupIsMembersOnly(t *testing.T) {
	e := newEnv(t)
	e.users("alice@example.test", "carol@example.test")
	alice, carol := as("alice@example.test"), as("carol@example.test")
	e.group(alice, map[string]any{"id": "open", "name": "Open", "public": true})
	e.group(alice, map[string]any{"id": "hidden", "name": "Hidden", "public": false})

	r := e.want(403, e.do(carol, "GET", "/api/v1/groups/open/quota", nil))
	if !strings.Contains(r.String(), "only members of this group may see its folder") {
		t.Errorf("public group's quota to a non-member: %s", r)
	}
	hidden := e.want(404, e.do(carol, "GET", "/api/v1/groups/hidden/quota", nil))
	missing := e.want(404, e.do(carol, "GET", "/api/v1/groups/nosuch/quota", nil))
	if hidden.String() != missing.String() {
		t.Errorf("private group's quota %s, a missing group's %s", hidden, missing)
	}
	e.want(200, e.do(alice, "GET", "/api/v1/groups/open/quota", nil))
}
