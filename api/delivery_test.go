package api

import (
	"testing"
)

type modeBody struct{ Address, Mode string }

// TestDeliveryRoutes: a member reads and sets their own mode; a master
// sets an external address's; the privacy rules answer everyone else.
func TestDeliveryRoutes(t *testing.T) {
	e := newEnv(t)
	e.users("alice@example.test", "bob@example.test", "carol@example.test")
	alice, bob, carol := as("alice@example.test"), as("bob@example.test"), as("carol@example.test")
	e.group(alice, map[string]any{"id": "team", "name": "Team", "public": false,
		"members": []string{"bob@example.test"}, "mailing_list": map[string]any{"external_members": []string{"x@other.example"}}})

	if m := decodeAs[modeBody](t, e.want(200, e.do(bob, "GET", "/api/v1/groups/team/delivery", nil))); m.Mode != "each" {
		t.Fatalf("bob's default mode %q", m.Mode)
	}
	if m := decodeAs[modeBody](t, e.want(200, e.do(bob, "PUT", "/api/v1/groups/team/delivery", `{"mode": "digest"}`))); m.Mode != "digest" {
		t.Fatalf("bob's mode after PUT %q", m.Mode)
	}
	if m := decodeAs[modeBody](t, e.want(200, e.do(bob, "GET", "/api/v1/groups/team/delivery", nil))); m.Mode != "digest" {
		t.Fatalf("bob's mode read back %q", m.Mode)
	}
	e.wantErr(422, "invalid", "mode must be each, digest or none", e.do(bob, "PUT", "/api/v1/groups/team/delivery", `{"mode": "weekly"}`))
	e.wantErr(404, "not_found", "group not found", e.do(carol, "PUT", "/api/v1/groups/team/delivery", `{"mode": "none"}`))
	e.wantErr(404, "not_found", "group not found", e.do(carol, "GET", "/api/v1/groups/nosuch/delivery", nil))

	path := "/api/v1/groups/team/external/x@other.example/delivery"
	m := decodeAs[modeBody](t, e.want(200, e.do(alice, "PUT", path, `{"mode": "none"}`)))
	if m.Mode != "none" || m.Address != "x@other.example" {
		t.Fatalf("external mode after PUT %+v", m)
	}
	if m := decodeAs[modeBody](t, e.want(200, e.do(admin, "GET", path, nil))); m.Mode != "none" {
		t.Fatalf("external mode read back %+v", m)
	}
	e.wantErr(403, "forbidden", "only masters", e.do(bob, "PUT", path, `{"mode": "each"}`))
	e.wantErr(404, "not_found", "group not found", e.do(carol, "GET", path, nil))
	e.wantErr(404, "not_found", "not an external address", e.do(alice, "PUT", "/api/v1/groups/team/external/y@other.example/delivery", `{"mode": "each"}`))
}
