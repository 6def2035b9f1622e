package groups

import (
	"context"
	"strings"
	"testing"
	"time"
)

// joinFixture: group "team" (master a, member b, list address
// team@lists.example.test), external or not; user c is in no group; the
// clock is *now.
func joinFixture(t *testing.T, external bool) (*Store, *time.Time) {
	t.Helper()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	o := testOptions(t)
	o.Now = func() time.Time { return now }
	o.PublicURL = "https://groups.example.test"
	s, err := Open(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	addUsers(t, s, "a@example.test", "b@example.test", "c@example.test")
	mustGroup(t, s, admin, GroupSpec{ID: str("team"), Name: str("Team"), Notify: boolp(false), External: boolp(external),
		Masters: []string{"a@example.test"}, Members: []string{"b@example.test"}})
	return s, &now
}

const teamList = "team@lists.example.test"

func join(t *testing.T, s *Store, list, addr, words string, verified bool) {
	t.Helper()
	if err := s.JoinRequest(context.Background(), list, JoinMail{Address: addr, Name: "Someone", Subject: "join",
		Text: words, Verified: verified}); err != nil {
		t.Fatal(err)
	}
}

// noticesTo are the notices queued for rcpt, oldest first.
func noticesTo(t *testing.T, s *Store, rcpt string) []queuedNotice {
	t.Helper()
	var out []queuedNotice
	for _, n := range notices(t, s) {
		for _, r := range n.rcpts {
			if r == rcpt {
				out = append(out, n)
			}
		}
	}
	return out
}

func pending(t *testing.T, s *Store) []PendingJoin {
	t.Helper()
	reqs, err := s.ListJoinRequests(context.Background(), admin, "team")
	if err != nil {
		t.Fatal(err)
	}
	return reqs
}

// TestJoinRequestMerged: a second request from the same address (any
// case) is merged into the pending one: the newest words, count 2,
// verified once either was, and no second notice to the masters nor a
// second acknowledgement. Another address is a request of its own; its
// first request was unverified, so the one that proves it acknowledges.
// The masters' notice links the console's page.
func TestJoinRequestMerged(t *testing.T) {
	s, now := joinFixture(t, true)
	join(t, s, teamList, "eve@other.example", "first words", true)
	*now = now.Add(time.Hour)
	join(t, s, teamList, "Eve@Other.Example", "second words", false)
	join(t, s, teamList, "fred@other.example", "me too", false)
	if n := len(noticesTo(t, s, "fred@other.example")); n != 0 {
		t.Fatalf("unverified fred got %d mails", n)
	}
	join(t, s, teamList, "fred@other.example", "me too, signed", true)
	reqs := pending(t, s)
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2: %+v", len(reqs), reqs)
	}
	e := reqs[0]
	if e.Address != "eve@other.example" || e.Count != 2 || e.Text != "second words" || !e.Verified ||
		e.First != "2026-03-01T12:00:00Z" || e.Last != "2026-03-01T13:00:00Z" {
		t.Fatalf("merged request %+v", e)
	}
	got := noticesTo(t, s, "a@example.test")
	if len(got) != 2 {
		t.Fatalf("the master got %d notices, want 2 (one per request)", len(got))
	}
	got[0].says(t, "first words", "https://groups.example.test/g/team/requests")
	if n := len(noticesTo(t, s, "eve@other.example")); n != 1 {
		t.Fatalf("eve got %d acknowledgements, want 1", n)
	}
	if n := len(noticesTo(t, s, "fred@other.example")); n != 1 {
		t.Fatalf("fred got %d mails once verified, want the acknowledgement", n)
	}
}

// TestJoinRequestRateLimit: past JoinRequestsPerDay requests from one
// address in a day, over all lists, a request is ignored (nothing
// stored, nobody told) without an error; a day later it is taken again.
func TestJoinRequestRateLimit(t *testing.T) {
	s, now := joinFixture(t, true)
	mustGroup(t, s, admin, GroupSpec{ID: str("club"), Name: str("Club"), Notify: boolp(false), External: boolp(true),
		Masters: []string{"b@example.test"}})
	for i := 0; i < JoinRequestsPerDay; i++ {
		join(t, s, teamList, "eve@other.example", "please", true)
		*now = now.Add(time.Minute)
	}
	join(t, s, teamList, "eve@other.example", "once more", true)
	join(t, s, "club@lists.example.test", "eve@other.example", "elsewhere", true)
	if reqs := pending(t, s); len(reqs) != 1 || reqs[0].Count != JoinRequestsPerDay || reqs[0].Text != "please" {
		t.Fatalf("requests %+v", reqs)
	}
	if n := len(noticesTo(t, s, "b@example.test")); n != 0 {
		t.Fatalf("club's master got %d notices for a request over the limit", n)
	}
	*now = now.Add(24 * time.Hour)
	join(t, s, "club@lists.example.test", "eve@other.example", "elsewhere", true)
	if n := len(noticesTo(t, s, "b@example.test")); n != 1 {
		t.Fatalf("a day later, club's master got %d notices, want 1", n)
	}
}

// TestJoinRequestAlreadyOn: a member asking is no request: the masters
// hear nothing, a verified member is told they are on the list already.
func TestJoinRequestAlreadyOn(t *testing.T) {
	s, _ := joinFixture(t, true)
	join(t, s, teamList, "b@example.test", "let me in", true)
	if len(pending(t, s)) != 0 || len(noticesTo(t, s, "a@example.test")) != 0 {
		t.Fatal("a member's request was stored or sent to the masters")
	}
	got := noticesTo(t, s, "b@example.test")
	if len(got) != 1 || !strings.Contains(got[0].subject, "already") {
		t.Fatalf("b got %+v", got)
	}
}

// TestJoinRequestFromHostedDomain: a list (or any address of a hosted
// mail domain) asking to join another list is ignored: approval would
// make the lists mail each other.
func TestJoinRequestFromHostedDomain(t *testing.T) {
	s, _ := joinFixture(t, true)
	join(t, s, teamList, "other@lists.example.test", "hi", true)
	if len(pending(t, s)) != 0 || len(noticesTo(t, s, "a@example.test")) != 0 {
		t.Fatal("a hosted address's request was taken")
	}
}

// TestJoinApproveMember: approving a user's request makes them a member,
// and tells them; the request is gone. A member cannot decide.
func TestJoinApproveMember(t *testing.T) {
	s, _ := joinFixture(t, false)
	ctx := context.Background()
	join(t, s, teamList, "c@example.test", "hi", true)
	r := pending(t, s)[0]
	wantErr(t, s.DecideJoinRequest(ctx, user("b@example.test"), "team", r.N, JoinApprove, ""), ErrDenied)
	wantErr(t, s.DecideJoinRequest(ctx, user("a@example.test"), "team", r.N, "maybe", ""), ErrInvalid)
	if err := s.DecideJoinRequest(ctx, user("a@example.test"), "team", r.N, JoinApprove, ""); err != nil {
		t.Fatal(err)
	}
	ms, _ := s.Members(ctx, admin, "team")
	found := false
	for _, m := range ms {
		found = found || (m.Email == "c@example.test" && m.Role == RoleMember)
	}
	if !found || len(pending(t, s)) != 0 {
		t.Fatalf("members %+v, pending %+v", ms, pending(t, s))
	}
	got := noticesTo(t, s, "c@example.test")
	if len(got) != 2 || !strings.Contains(got[1].subject, "approved") {
		t.Fatalf("c got %d notices (want the acknowledgement, then the approval): %+v", len(got), got)
	}
	wantErr(t, s.DecideJoinRequest(ctx, user("a@example.test"), "team", r.N, JoinApprove, ""), ErrNotFound)
}

// TestJoinApproveExternal: an outside address cannot join an internal
// group (409, the request stays); once the group is external, approval
// makes it an external member of the list. An unverified requester is
// not told.
func TestJoinApproveExternal(t *testing.T) {
	s, _ := joinFixture(t, false)
	ctx := context.Background()
	join(t, s, teamList, "eve@other.example", "hi", false)
	r := pending(t, s)[0]
	wantErr(t, s.DecideJoinRequest(ctx, user("a@example.test"), "team", r.N, JoinApprove, ""), ErrConflict)
	if len(pending(t, s)) != 1 {
		t.Fatal("the refused approval dropped the request")
	}
	if _, err := s.UpdateGroup(ctx, admin, "team", GroupSpec{External: boolp(true)}); err != nil {
		t.Fatal(err)
	}
	if err := s.DecideJoinRequest(ctx, user("a@example.test"), "team", r.N, JoinApprove, ""); err != nil {
		t.Fatal(err)
	}
	g, err := s.GetGroup(ctx, admin, "team")
	if err != nil || len(g.MailingList.ExternalMembers) != 1 || g.MailingList.ExternalMembers[0] != "eve@other.example" {
		t.Fatalf("external members %v (%v)", g.MailingList.ExternalMembers, err)
	}
	if n := len(noticesTo(t, s, "eve@other.example")); n != 0 {
		t.Fatalf("unverified eve got %d mails", n)
	}
}

// TestJoinDecline: a verified requester is told the reason, an
// unverified one nothing; neither is added.
func TestJoinDecline(t *testing.T) {
	s, _ := joinFixture(t, true)
	ctx := context.Background()
	join(t, s, teamList, "eve@other.example", "hi", true)
	join(t, s, teamList, "forged@other.example", "hi", false)
	for _, r := range pending(t, s) {
		if err := s.DecideJoinRequest(ctx, user("a@example.test"), "team", r.N, JoinDecline, "not this year"); err != nil {
			t.Fatal(err)
		}
	}
	if len(pending(t, s)) != 0 {
		t.Fatal("declined requests remain")
	}
	got := noticesTo(t, s, "eve@other.example")
	if len(got) != 2 || !strings.Contains(got[1].subject, "declined") {
		t.Fatalf("eve got %+v", got)
	}
	got[1].says(t, "not this year")
	if n := len(noticesTo(t, s, "forged@other.example")); n != 0 {
		t.Fatalf("the forged requester got %d mails", n)
	}
	if g, _ := s.GetGroup(ctx, admin, "team"); len(g.MailingList.ExternalMembers) != 0 {
		t.Fatalf("external members %v", g.MailingList.ExternalMembers)
	}
}

// TestJoinExpiry: requests first made more than the days ago expire (a
// merge does not restart the clock) and verified requesters are told;
// younger ones stay.
func TestJoinExpiry(t *testing.T) {
	s, now := joinFixture(t, true)
	ctx := context.Background()
	join(t, s, teamList, "eve@other.example", "old", true)
	*now = now.Add(10 * 24 * time.Hour)
	join(t, s, teamList, "eve@other.example", "again", true)
	join(t, s, teamList, "fred@other.example", "young", true)
	*now = now.Add(4*24*time.Hour + time.Minute)
	if n, err := s.ExpireJoinRequests(ctx, 14); err != nil || n != 1 {
		t.Fatal(n, err)
	}
	if reqs := pending(t, s); len(reqs) != 1 || reqs[0].Address != "fred@other.example" {
		t.Fatalf("left %+v", reqs)
	}
	got := noticesTo(t, s, "eve@other.example")
	if len(got) != 2 || !strings.Contains(got[1].subject, "expired") {
		t.Fatalf("eve got %+v", got)
	}
}

// TestJoinPrivacy: a private group's requests are missing to an
// outsider and denied to a member; a public group's denied to both.
func TestJoinPrivacy(t *testing.T) {
	s, _ := joinFixture(t, true)
	ctx := context.Background()
	join(t, s, teamList, "eve@other.example", "hi", true)
	n := pending(t, s)[0].N
	_, err := s.ListJoinRequests(ctx, user("c@example.test"), "team")
	wantErr(t, err, ErrDenied)
	if _, err := s.UpdateGroup(ctx, admin, "team", GroupSpec{Public: boolp(false)}); err != nil {
		t.Fatal(err)
	}
	_, err = s.ListJoinRequests(ctx, user("c@example.test"), "team")
	wantErr(t, err, ErrNotFound)
	_, err = s.GetJoinRequest(ctx, user("c@example.test"), "team", n)
	wantErr(t, err, ErrNotFound)
	wantErr(t, s.DecideJoinRequest(ctx, user("c@example.test"), "team", n, JoinApprove, ""), ErrNotFound)
	_, err = s.ListJoinRequests(ctx, user("b@example.test"), "team")
	wantErr(t, err, ErrDenied)
	_, err = s.GetJoinRequest(ctx, user("b@example.test"), "team", n)
	wantErr(t, err, ErrDenied)
	j, err := s.GetJoinRequest(ctx, user("a@example.test"), "team", n)
	if err != nil || j.Address != "eve@other.example" {
		t.Fatalf("%+v %v", j, err)
	}
}
