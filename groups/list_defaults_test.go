package groups

import (
	"context"
	"testing"
)

// TestNewListDefaults: a new public group's list takes mail from any
// colleague and refuses outsiders (anyone, block_external); a new private
// group's list takes mail from members only; settings the creator gives
// win; and making a group private later leaves its list as it was.
func TestNewListDefaults(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	addUsers(t, s, "alice@example.test")
	alice := user("alice@example.test")
	type want struct {
		restriction string
		blockExt    bool
	}
	cases := []struct {
		name string
		spec GroupSpec
		want want
	}{
		{"public", GroupSpec{Name: str("Public")}, want{SendAnyone, true}},
		{"private", GroupSpec{Name: str("Private"), Public: boolp(false)}, want{SendMembers, false}},
		{"public members", GroupSpec{Name: str("Public members"),
			MailingList: &ListSpec{SendRestriction: str("members")}}, want{SendMembers, false}},
		{"public open", GroupSpec{Name: str("Public open"),
			MailingList: &ListSpec{BlockExternal: boolp(false)}}, want{SendAnyone, false}},
		{"private anyone", GroupSpec{Name: str("Private anyone"), Public: boolp(false),
			MailingList: &ListSpec{SendRestriction: str("anyone")}}, want{SendAnyone, false}},
	}
	for _, c := range cases {
		g := mustGroup(t, s, alice, c.spec)
		if l := g.MailingList; l.SendRestriction != c.want.restriction || l.BlockExternal != c.want.blockExt {
			t.Errorf("%s: send_restriction %q block_external %v, want %q %v", c.name,
				l.SendRestriction, l.BlockExternal, c.want.restriction, c.want.blockExt)
		}
	}
	g, err := s.UpdateGroup(ctx, alice, "public", GroupSpec{Public: boolp(false)})
	if err != nil {
		t.Fatal(err)
	}
	if l := g.MailingList; g.Public || l.SendRestriction != SendAnyone || !l.BlockExternal {
		t.Errorf("made private: public %v, list %q block_external %v; want the list unchanged",
			g.Public, l.SendRestriction, l.BlockExternal)
	}
}
