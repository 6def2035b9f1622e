package groups

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// TestPrivateMailAddressesAnswerAsMissing: a private group's list address
// and every companion answer a sender the list does not accept with the
// very error of an address that does not exist; members, external
// members and senders the settings accept get the address.
func TestPrivateMailAddressesAnswerAsMissing(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	addUsers(t, s, "m@example.test", "b@example.test", "c@example.test")
	mk := func(id string, l ListSpec) {
		mustGroup(t, s, admin, GroupSpec{ID: str(id), Name: str("Secret " + id), Public: boolp(false), Notify: boolp(false),
			External: boolp(true), Masters: []string{"m@example.test"}, Members: []string{"b@example.test"}, MailingList: &l})
	}
	mk("secret", ListSpec{ExternalMembers: &[]string{"x@other.example"}}) // the defaults: members
	mk("listed", ListSpec{SendRestriction: str("listed"), Allowed: &[]string{"y@other.example"}})
	mk("open", ListSpec{SendRestriction: str("anyone")})
	mk("inside", ListSpec{SendRestriction: str("anyone"), BlockExternal: boolp(true)})
	mk("off", ListSpec{Enabled: boolp(false)})
	verified := func(a string) Sender { return Sender{Address: a, Verified: true} }
	cases := []struct {
		list    string
		from    Sender
		visible bool
	}{
		{"secret", verified("c@example.test"), false}, // a colleague, not a member
		{"secret", verified("eve@elsewhere.example"), false},
		{"secret", Sender{}, false},                          // the null sender
		{"secret", Sender{Address: "b@example.test"}, false}, // a member's address, unproven
		{"secret", verified("B@Example.test"), true},
		{"secret", verified("m@example.test"), true},
		{"secret", Sender{Address: "x@other.example"}, true}, // an external member
		{"listed", verified("y@other.example"), true},
		{"listed", verified("c@example.test"), false},
		{"open", Sender{Address: "eve@elsewhere.example"}, true},
		{"open", Sender{Address: "c@example.test"}, true}, // "anyone" takes unverified mail
		{"inside", verified("c@example.test"), true},
		{"inside", Sender{Address: "eve@elsewhere.example"}, false},
		{"inside", Sender{Address: "c@example.test"}, false},
		{"off", verified("b@example.test"), true}, // a member hears that it is switched off
		{"off", verified("c@example.test"), false},
	}
	for _, c := range cases {
		for _, suffix := range []string{"", "-owner", "-join", "-bounces"} {
			addr := c.list + suffix + "@lists.example.test"
			got, err := s.ResolveMailAddress(ctx, addr, c.from)
			if c.visible {
				if err != nil || got.GroupID != c.list {
					t.Errorf("%s from %+v: %v, want the group", addr, c.from, err)
				}
				continue
			}
			_, missing := s.ResolveMailAddress(ctx, "nosuch"+suffix+"@lists.example.test", c.from)
			if !errors.Is(err, ErrNotFound) || Message(err) != strings.Replace(Message(missing), "nosuch", c.list, 1) {
				t.Errorf("%s from %+v: %v, want what a missing address gets: %v", addr, c.from, err, missing)
			}
		}
	}
}

// TestPublicMailAddressesUnchanged: a public group's addresses exist for
// everyone, the null sender included (bounces to -owner are taken).
func TestPublicMailAddressesUnchanged(t *testing.T) {
	s := newStore(t)
	addUsers(t, s, "m@example.test")
	mustGroup(t, s, admin, GroupSpec{ID: str("team"), Name: str("Team"), Notify: boolp(false), Masters: []string{"m@example.test"}})
	for _, from := range []Sender{{}, {Address: "eve@elsewhere.example"}} {
		if _, err := s.ResolveMailAddress(context.Background(), "team-owner@lists.example.test", from); err != nil {
			t.Errorf("from %+v: %v", from, err)
		}
	}
}

// TestJoinAcknowledgementOnlyWhenVerified: the masters always get the
// request; the requester gets an acknowledgement only when the mail
// server vouched for the address (no backscatter to forged senders), and
// a private group's acknowledgement does not give away its name.
func TestJoinAcknowledgementOnlyWhenVerified(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	addUsers(t, s, "m@example.test")
	mustGroup(t, s, admin, GroupSpec{ID: str("team"), Name: str("Team"), Notify: boolp(false), Masters: []string{"m@example.test"}})
	mustGroup(t, s, admin, GroupSpec{ID: str("club"), Name: str("Secret Club"), Public: boolp(false), Notify: boolp(false),
		Masters: []string{"m@example.test"}, MailingList: &ListSpec{SendRestriction: str("anyone")}})
	queued := func(rcpt string) []string {
		unbundleAll(t, s)
		rows, err := s.rdb.Query(`SELECT o.data FROM outbound o JOIN outbound_rcpts r ON r.oid = o.oid WHERE r.rcpt = ?
			ORDER BY o.oid`, rcpt)
		out, err := scanStrings(rows, err)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	if err := s.JoinRequest(ctx, "team@lists.example.test", JoinMail{Address: "forged@elsewhere.example"}); err != nil {
		t.Fatal(err)
	}
	if got := queued("forged@elsewhere.example"); len(got) != 0 {
		t.Errorf("an unverified requester was sent %d messages:\n%s", len(got), got)
	}
	if got := queued("m@example.test"); len(got) != 1 || !strings.Contains(got[0], "could not be verified") {
		t.Fatalf("the master got %q, want one request saying the sender is unverified", got)
	}
	if err := s.JoinRequest(ctx, "club@lists.example.test", JoinMail{Address: "eve@elsewhere.example", Name: "Eve", Verified: true}); err != nil {
		t.Fatal(err)
	}
	ack := queued("eve@elsewhere.example")
	if len(ack) != 1 || !strings.Contains(ack[0], "club@lists.example.test") || strings.Contains(ack[0], "Secret Club") {
		t.Fatalf("acknowledgement %q: want one, naming the address and not the private group's name", ack)
	}
	if got := queued("m@example.test"); len(got) != 2 || strings.Contains(got[1], "could not be verified") {
		t.Errorf("the master got %d messages; the verified request must not be marked unverified", len(got))
	}
}
