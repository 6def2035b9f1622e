package groups

import (
	"context"
	"testing"
)

// TestGuestLookupLikeMissing: a guest (a user outside internal_domains)
// who opens a public group they do not belong to by its id gets exactly
// what a missing group gives, on every path that names a group; in
// their own group, and for a colleague, the public group is there.
func TestGuestLookupLikeMissing(t *testing.T) {
	s := newStore(t)
	addUsers(t, s, "alice@example.test", "carol@example.test", "guest@other.example")
	alice, carol, guest := user("alice@example.test"), user("carol@example.test"), user("guest@other.example")
	ctx := context.Background()
	mustGroup(t, s, admin, GroupSpec{ID: str("project"), Name: str("Project"), External: boolp(true),
		Masters: []string{"alice@example.test"}, Members: []string{"guest@other.example"}})
	mustGroup(t, s, alice, GroupSpec{ID: str("payroll"), Name: str("Payroll")})

	same := func(what string, err, missing error) {
		t.Helper()
		wantErr(t, err, ErrNotFound)
		if Message(err) != Message(missing) {
			t.Errorf("%s: %q, a missing group: %q", what, Message(err), Message(missing))
		}
	}
	_, err := s.GetGroup(ctx, guest, "payroll")
	_, missing := s.GetGroup(ctx, guest, "nosuchgroup")
	same("GetGroup", err, missing)
	_, err = s.Members(ctx, guest, "payroll")
	_, missing = s.Members(ctx, guest, "nosuchgroup")
	same("Members", err, missing)
	_, err = s.Notes(ctx, guest, "payroll")
	_, missing = s.Notes(ctx, guest, "nosuchgroup")
	same("Notes", err, missing)
	for _, act := range []Action{ActSee, ActRead, ActWrite, ActManage} {
		_, err = s.Authorize(ctx, guest, "payroll", act, FeatureFolder)
		_, missing = s.Authorize(ctx, guest, "nosuchgroup", act, FeatureFolder)
		same("Authorize", err, missing)
	}
	if _, err := s.GetGroup(ctx, guest, "project"); err != nil {
		t.Errorf("the guest's own group: %v", err)
	}
	if _, err := s.GetGroup(ctx, carol, "payroll"); err != nil {
		t.Errorf("a colleague's look at a public group: %v", err)
	}
}
