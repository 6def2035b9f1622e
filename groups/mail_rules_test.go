package groups

import (
	"context"
	"errors"
	"testing"
)

// TestMayPost: the posting rule of a list, every branch, table-driven.
func TestMayPost(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	addUsers(t, s, "m@example.test", "b@example.test", "c@example.test")
	mk := func(id string, l ListSpec) {
		mustGroup(t, s, admin, GroupSpec{ID: str(id), Name: str(id), Notify: boolp(false), External: boolp(true),
			Masters: []string{"m@example.test"}, Members: []string{"b@example.test"}, MailingList: &l})
	}
	ext := &[]string{"x@other.example"}
	mk("members", ListSpec{SendRestriction: str("members"), ExternalMembers: ext})
	mk("anyone", ListSpec{SendRestriction: str("anyone"), BlockExternal: boolp(false)})
	mk("listed", ListSpec{SendRestriction: str("listed"), Allowed: &[]string{"y@other.example", "c@example.test"}})
	mk("closed", ListSpec{SendRestriction: str("anyone"), BlockExternal: boolp(true), ExternalMembers: ext})
	mk("off", ListSpec{Enabled: boolp(false)})
	cases := []struct {
		list, sender, rule string // rule "" = may post
	}{
		{"members", "b@example.test", ""},
		{"members", "M@Example.test", ""},
		{"members", "x@other.example", ""},
		{"members", "c@example.test", RefuseMembers},
		{"members", "y@other.example", RefuseMembers},
		{"anyone", "y@other.example", ""},
		{"listed", "y@other.example", ""},
		{"listed", "c@example.test", ""},
		{"listed", "b@example.test", RefuseListed},
		{"closed", "c@example.test", ""},
		{"closed", "x@other.example", RefuseExternal},
		{"closed", "y@other.example", RefuseExternal},
		{"off", "b@example.test", RefuseDisabled},
		{"gone", "b@example.test", RefuseNoList},
	}
	for _, c := range cases {
		err := s.MayPost(ctx, c.list+"@lists.example.test", c.sender)
		var r *Refusal
		switch {
		case c.rule == "" && err != nil:
			t.Errorf("%s by %s: refused: %v", c.list, c.sender, err)
		case c.rule != "" && (!errors.As(err, &r) || r.Rule != c.rule):
			t.Errorf("%s by %s: %v, want refusal %q", c.list, c.sender, err, c.rule)
		case c.rule == RefuseNoList && !errors.Is(err, ErrNotFound), c.rule != "" && c.rule != RefuseNoList && !errors.Is(err, ErrDenied):
			t.Errorf("%s by %s: %v wraps the wrong sentinel", c.list, c.sender, err)
		}
	}
}

// TestResolveMailAddress: lists, companions, bounce tokens, and nothing
// else.
func TestResolveMailAddress(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	addUsers(t, s, "m@example.test")
	mustGroup(t, s, admin, GroupSpec{ID: str("team"), Name: str("Team"), Notify: boolp(false), Masters: []string{"m@example.test"}})
	for addr, kind := range map[string]string{
		"team@lists.example.test": MailList, "Team-Owner@lists.example.test": MailOwner,
		"team-join@lists.example.test": MailJoin, "team-bounces@lists.example.test": MailBounces,
	} {
		got, err := s.ResolveMailAddress(ctx, addr, Sender{Address: "m@example.test", Verified: true})
		if err != nil || got.Kind != kind || got.GroupID != "team" {
			t.Errorf("%s: %+v %v, want %s", addr, got, err, kind)
		}
	}
	for _, addr := range []string{"nobody@lists.example.test", "team@example.test", "team-request@lists.example.test",
		"team-bounces+1abcdef@lists.example.test", "team-owner-join@lists.example.test"} {
		if _, err := s.ResolveMailAddress(ctx, addr, Sender{Address: "m@example.test", Verified: true}); !errors.Is(err, ErrNotFound) {
			t.Errorf("%s: %v, want not found", addr, err)
		}
	}
}
