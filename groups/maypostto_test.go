package groups

import (
	"context"
	"errors"
	"testing"
)

// TestMayPostToAsMayPost: at RCPT the mail server asks the posting rule
// on the list row that resolving the address read (MayPostTo), one
// statement fewer than MayPost; the answers are MayPost's, for a member,
// an outsider of a members-only list and a held outsider.
func TestMayPostToAsMayPost(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	addUsers(t, s, "alice@example.test", "bob@example.test", "carol@example.test")
	alice := user("alice@example.test")
	mustGroup(t, s, alice, GroupSpec{ID: str("team"), Name: str("Team"), Notify: boolp(false),
		Members: []string{"bob@example.test"}, MailingList: &ListSpec{SendRestriction: str("members")}})
	mustGroup(t, s, alice, GroupSpec{ID: str("desk"), Name: str("Desk"), Notify: boolp(false),
		MailingList: &ListSpec{SendRestriction: str("members"), Moderation: str(ModerateOutsiders)}})
	for _, list := range []string{"team@lists.example.test", "desk@lists.example.test"} {
		for _, sender := range []string{"bob@example.test", "carol@example.test", "someone@elsewhere.test"} {
			want := s.MayPost(ctx, list, sender)
			tg, err := s.ResolveMailAddress(ctx, list, Sender{Address: sender})
			if err != nil {
				t.Fatal(err)
			}
			before := s.d.stmts.Load()
			got := s.MayPostTo(ctx, tg, sender)
			n := s.d.stmts.Load() - before
			var rw, rg *Refusal
			if (want == nil) != (got == nil) || errors.As(want, &rw) != errors.As(got, &rg) ||
				(rw != nil && (rw.Rule != rg.Rule || rw.Hold != rg.Hold)) {
				t.Fatalf("%s from %s: MayPostTo %v, MayPost %v", list, sender, got, want)
			}
			before = s.d.stmts.Load()
			s.MayPost(ctx, list, sender)
			if m := s.d.stmts.Load() - before; n != m-1 {
				t.Fatalf("%s from %s: MayPostTo ran %d statements, MayPost %d", list, sender, n, m)
			}
		}
	}
}
