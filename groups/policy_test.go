package groups

import (
	"context"
	"testing"
)

func TestPolicyAdminsBlocksCreation(t *testing.T) {
	s := newStore(t)
	addUsers(t, s, "alice@example.test")
	ctx := context.Background()
	_, err := s.SetPolicy(ctx, user("alice@example.test"), Policy{CreateGroups: "admins"})
	wantErr(t, err, ErrDenied)
	if _, err := s.SetPolicy(ctx, admin, Policy{CreateGroups: "admins"}); err != nil {
		t.Fatal(err)
	}
	_, err = s.CreateGroup(ctx, user("alice@example.test"), GroupSpec{Name: str("Mine")})
	wantErr(t, err, ErrDenied)
	g := mustGroup(t, s, admin, GroupSpec{Name: str("Made by admin"), Masters: []string{"alice@example.test"}})
	if g.Masters[0] != "alice@example.test" {
		t.Fatalf("masters %v", g.Masters)
	}
	_, err = s.SetPolicy(ctx, admin, Policy{CreateGroups: "nobody"})
	wantErr(t, err, ErrInvalid)
	_, err = s.SetPolicy(ctx, admin, Policy{CreateGroups: "everyone", DisabledFeatures: []string{"chat"}})
	wantErr(t, err, ErrInvalid)
}

func TestDisabledFeatureCannotBeEnabledAndDataIsKept(t *testing.T) {
	s := newStore(t)
	addUsers(t, s, "alice@example.test")
	alice := user("alice@example.test")
	ctx := context.Background()
	g := mustGroup(t, s, alice, GroupSpec{Name: str("Team")})
	if _, err := s.CreateNote(ctx, alice, g.ID, NoteSpec{Title: str("kept")}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateGroup(ctx, alice, g.ID, GroupSpec{Features: &FeatureSpec{Note: boolp(false)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetPolicy(ctx, admin, Policy{CreateGroups: "everyone", DisabledFeatures: []string{FeatureNote}}); err != nil {
		t.Fatal(err)
	}
	_, err := s.UpdateGroup(ctx, alice, g.ID, GroupSpec{Features: &FeatureSpec{Note: boolp(true)}})
	wantErr(t, err, ErrDenied)
	_, err = s.CreateGroup(ctx, alice, GroupSpec{Name: str("New"), Features: &FeatureSpec{Note: boolp(true)}})
	wantErr(t, err, ErrDenied)
	// Turning other features on and off still works.
	if _, err := s.UpdateGroup(ctx, alice, g.ID, GroupSpec{Features: &FeatureSpec{Task: boolp(false)}}); err != nil {
		t.Fatal(err)
	}
	// Re-enabled by the admin and the master: the data is still there.
	if _, err := s.SetPolicy(ctx, admin, Policy{CreateGroups: "everyone"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateGroup(ctx, alice, g.ID, GroupSpec{Features: &FeatureSpec{Note: boolp(true)}}); err != nil {
		t.Fatal(err)
	}
	notes, err := s.Notes(ctx, alice, g.ID)
	if err != nil || len(notes) != 1 {
		t.Fatalf("notes after re-enable: %v %v", notes, err)
	}
}

func TestPolicyDisabledFeatureUnreachable(t *testing.T) {
	s := newStore(t)
	addUsers(t, s, "alice@example.test")
	alice := user("alice@example.test")
	ctx := context.Background()
	g := mustGroup(t, s, alice, GroupSpec{Name: str("Team")})
	if _, err := s.CreateNote(ctx, alice, g.ID, NoteSpec{Title: str("kept")}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetPolicy(ctx, admin, Policy{CreateGroups: "everyone", DisabledFeatures: []string{FeatureNote}}); err != nil {
		t.Fatal(err)
	}
	_, err := s.Notes(ctx, alice, g.ID)
	wantErr(t, err, ErrNotFound)
	var n int
	s.rdb.QueryRow(`SELECT COUNT(*) FROM notes`).Scan(&n)
	if n != 1 {
		t.Fatalf("disabled feature's data must be kept, have %d notes", n)
	}
}
