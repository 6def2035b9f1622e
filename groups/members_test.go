package groups

import (
	"context"
	"testing"
)

func TestMembershipRules(t *testing.T) {
	s := newStore(t)
	addUsers(t, s, "alice@example.test", "bob@example.test", "carol@example.test", "dave@example.test")
	alice, bob, carol := user("alice@example.test"), user("bob@example.test"), user("carol@example.test")
	ctx := context.Background()
	g := mustGroup(t, s, alice, GroupSpec{Name: str("Team"), Members: []string{"bob@example.test"}})

	steps := []struct {
		name string
		do   func() error
		want error
	}{
		{"last master cannot be demoted", func() error { return s.SetMember(ctx, alice, g.ID, "alice@example.test", RoleMember) }, ErrConflict},
		{"last master cannot be removed", func() error { return s.RemoveMember(ctx, alice, g.ID, "alice@example.test") }, ErrConflict},
		{"admin cannot remove the last master either", func() error { return s.RemoveMember(ctx, admin, g.ID, "alice@example.test") }, ErrConflict},
		{"member cannot add members", func() error { return s.SetMember(ctx, bob, g.ID, "carol@example.test", RoleMember) }, ErrDenied},
		{"member cannot leave by themselves", func() error { return s.RemoveMember(ctx, bob, g.ID, "bob@example.test") }, ErrDenied},
		{"outsider cannot add themself", func() error { return s.SetMember(ctx, carol, g.ID, "carol@example.test", RoleMember) }, ErrDenied},
		{"unknown role", func() error { return s.SetMember(ctx, alice, g.ID, "carol@example.test", "owner") }, ErrInvalid},
		{"no account", func() error { return s.SetMember(ctx, alice, g.ID, "zed@example.test", RoleMember) }, ErrInvalid},
		{"master adds a member", func() error { return s.SetMember(ctx, alice, g.ID, "carol@example.test", RoleMember) }, nil},
		{"master promotes bob", func() error { return s.SetMember(ctx, alice, g.ID, "bob@example.test", RoleMaster) }, nil},
		{"now alice may step down", func() error { return s.SetMember(ctx, alice, g.ID, "alice@example.test", RoleMember) }, nil},
		{"alice no longer manages", func() error { return s.SetMember(ctx, alice, g.ID, "dave@example.test", RoleMember) }, ErrDenied},
		{"admin manages any group", func() error { return s.SetMember(ctx, admin, g.ID, "dave@example.test", RoleMember) }, nil},
		{"removing a non-member", func() error { return s.RemoveMember(ctx, bob, g.ID, "nobody@example.test") }, ErrNotFound},
	}
	for _, st := range steps {
		err := st.do()
		if st.want == nil && err != nil || st.want != nil {
			if st.want == nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			if err == nil {
				t.Fatalf("%s: no error, want %v", st.name, st.want)
			}
			wantErr(t, err, st.want)
		}
	}
	got, err := s.Members(ctx, bob, g.ID)
	if err != nil {
		t.Fatal(err)
	}
	roles := map[string]string{}
	for _, m := range got {
		roles[m.Email] = m.Role
	}
	want := map[string]string{"alice@example.test": RoleMember, "bob@example.test": RoleMaster,
		"carol@example.test": RoleMember, "dave@example.test": RoleMember}
	if len(roles) != len(want) {
		t.Fatalf("members %v", roles)
	}
	for e, r := range want {
		if roles[e] != r {
			t.Errorf("%s: role %q, want %q", e, roles[e], r)
		}
	}
}

func TestRemovedMemberLosesAccessAtOnce(t *testing.T) {
	s := newStore(t)
	addUsers(t, s, "alice@example.test", "bob@example.test")
	alice, bob := user("alice@example.test"), user("bob@example.test")
	ctx := context.Background()
	g := mustGroup(t, s, alice, GroupSpec{Name: str("Secret"), Public: boolp(false), Members: []string{"bob@example.test"},
		MailingList: &ListSpec{SendersAs: &[]string{"bob@example.test"}}})
	note, err := s.CreateNote(ctx, bob, g.ID, NoteSpec{Title: str("by bob"), Body: str("stays")})
	if err != nil {
		t.Fatal(err)
	}
	sub := s.Subscribe()
	defer sub.Close()
	if err := s.RemoveMember(ctx, alice, g.ID, "bob@example.test"); err != nil {
		t.Fatal(err)
	}
	if c := <-sub.C; c.Kind != ChangeMemberRemoved || c.User != "bob@example.test" || c.GroupID != g.ID {
		t.Fatalf("feed: %+v", c)
	}
	for _, act := range []Action{ActSee, ActRead, ActWrite} {
		_, err := s.Authorize(ctx, bob, g.ID, act, FeatureNote)
		wantErr(t, err, ErrNotFound)
	}
	_, err = s.Notes(ctx, bob, g.ID)
	wantErr(t, err, ErrNotFound)
	left, err := s.Notes(ctx, alice, g.ID)
	if err != nil || len(left) != 1 || left[0].ID != note.ID || left[0].Author != "bob@example.test" {
		t.Fatalf("bob's note should stay: %v %v", left, err)
	}
	full, _ := s.GetGroup(ctx, alice, g.ID)
	if len(full.MailingList.SendersAs) != 0 {
		t.Fatalf("bob still in senders_as: %v", full.MailingList.SendersAs)
	}
}
