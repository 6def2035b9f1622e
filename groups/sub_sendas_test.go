package groups

import (
	"context"
	"errors"
	"testing"
)

// TestMaySendAs: own address always, a list address only when its
// senders_as names the user, anything else never.
func TestMaySendAs(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	addUsers(t, s, "m@example.test", "b@example.test", "c@example.test")
	mustGroup(t, s, admin, GroupSpec{ID: str("team"), Name: str("Team"), Notify: boolp(false),
		Masters: []string{"m@example.test"}, Members: []string{"b@example.test"},
		MailingList: &ListSpec{SendersAs: &[]string{"b@example.test"}}})
	cases := []struct {
		user, from, rule string // rule "" = may send
	}{
		{"b@example.test", "b@example.test", ""},
		{"b@example.test", "B@Example.Test", ""},
		{"b@example.test", "team@lists.example.test", ""},
		{"b@example.test", "TEAM@lists.example.test", ""},
		{"m@example.test", "team@lists.example.test", RefuseSendAs},
		{"c@example.test", "team@lists.example.test", RefuseSendAs},
		{"c@example.test", "b@example.test", RefuseNotOwnFrom},
		{"b@example.test", "gone@lists.example.test", RefuseNotOwnFrom},
		{"b@example.test", "ceo@example.test", RefuseNotOwnFrom},
	}
	for _, c := range cases {
		err := s.MaySendAs(ctx, &User{Email: c.user}, c.from)
		var r *Refusal
		switch {
		case c.rule == "" && err != nil:
			t.Errorf("%s as %s: refused: %v", c.user, c.from, err)
		case c.rule != "" && (!errors.As(err, &r) || r.Rule != c.rule || !errors.Is(err, ErrDenied)):
			t.Errorf("%s as %s: %v, want refusal %q", c.user, c.from, err, c.rule)
		}
	}
}

// TestMayPostUnverified: an internal sender that could not be verified
// counts as an unknown external sender: block_external, members and
// listed refuse (even when the set names the claimed address), anyone
// admits.
func TestMayPostUnverified(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	addUsers(t, s, "m@example.test", "b@example.test")
	mk := func(id string, l ListSpec) {
		mustGroup(t, s, admin, GroupSpec{ID: str(id), Name: str(id), Notify: boolp(false), External: boolp(true),
			Masters: []string{"m@example.test"}, Members: []string{"b@example.test"}, MailingList: &l})
	}
	mk("members", ListSpec{SendRestriction: str("members")})
	mk("anyone", ListSpec{SendRestriction: str("anyone"), BlockExternal: boolp(false)})
	mk("listed", ListSpec{SendRestriction: str("listed"), Allowed: &[]string{"b@example.test"}})
	mk("closed", ListSpec{SendRestriction: str("anyone"), BlockExternal: boolp(true)})
	mk("off", ListSpec{Enabled: boolp(false)})
	cases := []struct {
		list, rule string
	}{
		{"members", RefuseUnverified},
		{"anyone", ""},
		{"listed", RefuseUnverified}, // though the allowed set names the address
		{"closed", RefuseUnverified},
		{"off", RefuseDisabled},
		{"gone", RefuseNoList},
	}
	for _, c := range cases {
		err := s.MayPostUnverified(ctx, c.list+"@lists.example.test", "b@example.test")
		var r *Refusal
		switch {
		case c.rule == "" && err != nil:
			t.Errorf("%s: refused: %v", c.list, err)
		case c.rule != "" && (!errors.As(err, &r) || r.Rule != c.rule):
			t.Errorf("%s: %v, want refusal %q", c.list, err, c.rule)
		}
	}
	// The same sender, verified, may post to every enabled list.
	for _, l := range []string{"members", "anyone", "listed", "closed"} {
		if err := s.MayPost(ctx, l+"@lists.example.test", "b@example.test"); err != nil {
			t.Errorf("verified %s: %v", l, err)
		}
	}
}
