package api

import "testing"

// TestFeaturesShowWhatIsInForce: a feature the organisation switched off
// reads as off in the group's JSON, the master's choice beside it in
// features_chosen; a master's PATCH that writes back what it read keeps
// that choice.
func TestFeaturesShowWhatIsInForce(t *testing.T) {
	e := newEnv(t)
	e.users("alice@example.test")
	alice := as("alice@example.test")
	e.group(alice, map[string]any{"id": "team", "name": "Team"})
	e.want(200, e.do(admin, "PUT", "/api/v1/policy", map[string]any{"create_groups": "everyone",
		"disabled_features": []string{"folder"}, "external_authority": []string{}}))
	type shown struct {
		Features       map[string]bool `json:"features"`
		FeaturesChosen map[string]bool `json:"features_chosen"`
	}
	read := func() (in, chosen map[string]bool) {
		t.Helper()
		g := decodeAs[shown](t, e.want(200, e.do(alice, "GET", "/api/v1/groups/team", nil)))
		return g.Features, g.FeaturesChosen
	}
	in, chosen := read()
	if in["folder"] || !chosen["folder"] || !in["note"] || !chosen["note"] {
		t.Fatalf("folder off by policy: features %v, features_chosen %v", in, chosen)
	}
	in["note"] = false
	g := decodeAs[shown](t, e.want(200, e.do(alice, "PATCH", "/api/v1/groups/team", map[string]any{"features": in})))
	if g.Features["folder"] || !g.FeaturesChosen["folder"] || g.Features["note"] {
		t.Fatalf("after a PATCH of what was read: features %v, chosen %v", g.Features, g.FeaturesChosen)
	}
	e.wantErr(403, "forbidden", "disabled by the organisation policy",
		e.do(alice, "PATCH", "/api/v1/groups/team", map[string]any{"features": map[string]bool{"folder": true}}))
	e.want(200, e.do(admin, "PUT", "/api/v1/policy", map[string]any{"create_groups": "everyone",
		"disabled_features": []string{}, "external_authority": []string{}}))
	if in, _ := read(); !in["folder"] || in["note"] {
		t.Fatalf("policy on again: features %v", in)
	}
}
