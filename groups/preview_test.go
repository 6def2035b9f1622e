package groups

import (
	"context"
	"strings"
	"testing"
)

// TestPreviewGroupID: the preview says what creation would give, and
// answers every collision the same way: not available, with a free id.
func TestPreviewGroupID(t *testing.T) {
	s := newStore(t)
	addUsers(t, s, "alice@example.test", "bob@example.test")
	alice, bob := user("alice@example.test"), user("bob@example.test")
	ctx := context.Background()
	mustGroup(t, s, alice, GroupSpec{ID: str("secret"), Name: str("Secret"), Public: boolp(false)})
	mustGroup(t, s, alice, GroupSpec{ID: str("open"), Name: str("Open")})
	mustGroup(t, s, alice, GroupSpec{ID: str("gone"), Name: str("Gone")})
	if err := s.DeleteGroup(ctx, alice, "gone"); err != nil {
		t.Fatal(err)
	}
	mustGroup(t, s, alice, GroupSpec{ID: str("moved"), Name: str("Moved"),
		MailingList: &ListSpec{Address: str("post@lists.example.test")}})

	cases := []struct {
		name, id string
		want     IDPreview
	}{
		{"개발팀", "", IDPreview{"gaebaltim", "gaebaltim@lists.example.test", true}},
		{"Open", "", IDPreview{"open-2", "open-2@lists.example.test", true}},
		{"", "fresh", IDPreview{"fresh", "fresh@lists.example.test", true}},
		{"X", "secret", IDPreview{"secret-2", "secret-2@lists.example.test", false}}, // a private group's
		{"X", "open", IDPreview{"open-2", "open-2@lists.example.test", false}},       // a public group's
		{"X", "gone", IDPreview{"gone-2", "gone-2@lists.example.test", false}},       // retired
		{"X", "post", IDPreview{"post-2", "post-2@lists.example.test", false}},       // its address is in use
		{"X", "preview", IDPreview{"preview-2", "preview-2@lists.example.test", false}},
	}
	for _, c := range cases {
		got, err := s.PreviewGroupID(ctx, bob, c.name, c.id)
		if err != nil || *got != c.want {
			t.Errorf("preview %q %q as bob: %+v %v, want %+v", c.name, c.id, got, err, c.want)
		}
	}
	_, err := s.PreviewGroupID(ctx, bob, "", "Bad Id")
	wantErr(t, err, ErrInvalid)
	_, err = s.PreviewGroupID(ctx, bob, "", "")
	wantErr(t, err, ErrInvalid)
	_, err = s.PreviewGroupID(ctx, Actor{}, "Team", "")
	wantErr(t, err, ErrUnauthenticated)
	if _, err := s.SetPolicy(ctx, admin, Policy{CreateGroups: "admins"}); err != nil {
		t.Fatal(err)
	}
	_, err = s.PreviewGroupID(ctx, bob, "Team", "")
	wantErr(t, err, ErrDenied)
	if _, err := s.PreviewGroupID(ctx, admin, "Team", ""); err != nil {
		t.Fatal(err)
	}
}

// TestCreateCollisionsReadAlike: creating a group with an id or address
// in use says the same words whatever holds it: a private group, a
// public one, a deleted one, another group's address.
func TestCreateCollisionsReadAlike(t *testing.T) {
	s := newStore(t)
	addUsers(t, s, "alice@example.test", "bob@example.test")
	alice, bob := user("alice@example.test"), user("bob@example.test")
	ctx := context.Background()
	mustGroup(t, s, alice, GroupSpec{ID: str("secret"), Name: str("Secret"), Public: boolp(false)})
	mustGroup(t, s, alice, GroupSpec{ID: str("open"), Name: str("Open")})
	mustGroup(t, s, alice, GroupSpec{ID: str("gone"), Name: str("Gone")})
	if err := s.DeleteGroup(ctx, alice, "gone"); err != nil {
		t.Fatal(err)
	}
	specs := map[string]GroupSpec{
		"secret":                    {ID: str("secret"), Name: str("X")},
		"open":                      {ID: str("open"), Name: str("X")},
		"gone":                      {ID: str("gone"), Name: str("X")},
		"secret@lists.example.test": {Name: str("X"), MailingList: &ListSpec{Address: str("secret@lists.example.test")}},
	}
	words := map[string]string{} // the answer, with the id or address taken out
	for what, spec := range specs {
		_, err := s.CreateGroup(ctx, bob, spec)
		wantErr(t, err, ErrConflict)
		words[strings.Replace(Message(err), what, "…", 1)] = what
	}
	if len(words) != 1 {
		t.Errorf("collisions read differently: %q", words)
	}
}
