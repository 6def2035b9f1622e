package groups

import (
	"context"
	"testing"
)

// TestFeaturesReadWhatIsInForce: a feature the policy switches off reads
// as off in the group, with the master's choice kept beside it; a
// master's edit of other features, or writing back what was read, keeps
// that choice, which is in force again once the policy allows it.
func TestFeaturesReadWhatIsInForce(t *testing.T) {
	s := newStore(t)
	addUsers(t, s, "alice@example.test")
	alice := user("alice@example.test")
	ctx := context.Background()
	g := mustGroup(t, s, alice, GroupSpec{ID: str("team"), Name: str("Team")})
	if _, err := s.SetPolicy(ctx, admin, Policy{CreateGroups: "everyone", DisabledFeatures: []string{FeatureFolder}}); err != nil {
		t.Fatal(err)
	}
	g, err := s.GetGroup(ctx, alice, "team")
	if err != nil || g.Features.Folder || !g.FeaturesChosen.Folder || !g.Features.Note {
		t.Fatalf("policy off: features %+v chosen %+v (%v)", g.Features, g.FeaturesChosen, err)
	}
	// Write back what was read, note switched off: the folder choice stays.
	read := g.Features
	off := false
	spec := &FeatureSpec{Message: &read.Message, Note: &off, Event: &read.Event, Task: &read.Task, Folder: &read.Folder}
	g, err = s.UpdateGroup(ctx, alice, "team", GroupSpec{Features: spec})
	if err != nil || g.Features.Folder || !g.FeaturesChosen.Folder || g.Features.Note || g.FeaturesChosen.Note {
		t.Fatalf("after the edit: features %+v chosen %+v (%v)", g.Features, g.FeaturesChosen, err)
	}
	if *spec.Folder {
		t.Fatal("UpdateGroup changed the caller's spec")
	}
	_, err = s.UpdateGroup(ctx, alice, "team", GroupSpec{Features: &FeatureSpec{Folder: boolp(true)}})
	wantErr(t, err, ErrDenied)
	if _, err := s.SetPolicy(ctx, admin, Policy{CreateGroups: "everyone"}); err != nil {
		t.Fatal(err)
	}
	g, err = s.GetGroup(ctx, alice, "team")
	if err != nil || !g.Features.Folder || g.Features != g.FeaturesChosen {
		t.Fatalf("policy on again: features %+v chosen %+v (%v)", g.Features, g.FeaturesChosen, err)
	}
}
