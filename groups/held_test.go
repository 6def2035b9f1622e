package groups

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"
)

// heldFixture: group "team" (master a, member b, external x) whose list
// has the given moderation; the clock is *now.
func heldFixture(t *testing.T, moderation string) (*Store, *time.Time) {
	t.Helper()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	o := testOptions(t)
	o.Now = func() time.Time { return now }
	s, err := Open(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	addUsers(t, s, "a@example.test", "b@example.test", "c@example.test")
	mustGroup(t, s, admin, GroupSpec{ID: str("team"), Name: str("Team"), Notify: boolp(false), External: boolp(true),
		Masters: []string{"a@example.test"}, Members: []string{"b@example.test"},
		MailingList: &ListSpec{SendRestriction: str("members"), Moderation: str(moderation),
			ExternalMembers: &[]string{"x@other.example"}}})
	return s, &now
}

func post(sender string, verified bool) *Post {
	return &Post{List: "team@lists.example.test", Sender: sender, Verified: verified,
		Data: []byte("Subject: hi\r\n\r\nbody\r\n"), MessageID: "m@x", Subject: "hi"}
}

// queued is how many queue rows of the kind go to rcpt.
func queued(t *testing.T, s *Store, kind, rcpt string) int {
	unbundleAll(t, s)
	return countRows(t, s, `SELECT COUNT(*) FROM outbound_rcpts r JOIN outbound o ON o.oid = r.oid
		WHERE o.kind = ? AND r.rcpt = ?`, kind, rcpt)
}

// TestModerationOutsiders: with "outsiders", a member's post goes out, an
// outsider's is held (no archive, no queue) and the master is told once.
func TestModerationOutsiders(t *testing.T) {
	s, _ := heldFixture(t, ModerateOutsiders)
	ctx := context.Background()
	member, outsider := post("b@example.test", true), post("c@example.test", true)
	if err := s.AcceptPosts(ctx, []*Post{member, outsider}); err != nil || member.Err != nil || outsider.Err != nil {
		t.Fatal(err, member.Err, outsider.Err)
	}
	if member.Held != 0 || member.Recipients != 3 || outsider.Held == 0 || outsider.Recipients != 0 {
		t.Fatalf("member %+v, outsider %+v", member, outsider)
	}
	if n := countRows(t, s, `SELECT COUNT(*) FROM messages`); n != 1 {
		t.Fatalf("%d archived, want 1", n)
	}
	if n := countRows(t, s, `SELECT COUNT(*) FROM outbound WHERE kind = 'post'`); n != 1 {
		t.Fatalf("%d posts queued, want 1", n)
	}
	if n := queued(t, s, "notice", "a@example.test"); n != 1 {
		t.Fatalf("%d notices to the master, want 1", n)
	}
	var r *Refusal
	if err := s.MayPost(ctx, "team@lists.example.test", "c@example.test"); !asRefusal(err, &r) || !r.Hold {
		t.Fatalf("MayPost: %v", err)
	}
}

// TestModerationNoneRefuses: without moderation the outsider is refused
// as before, and not marked for holding.
func TestModerationNoneRefuses(t *testing.T) {
	s, _ := heldFixture(t, ModerateNone)
	p := post("c@example.test", true)
	if err := s.AcceptPosts(context.Background(), []*Post{p}); err != nil {
		t.Fatal(err)
	}
	var r *Refusal
	if !asRefusal(p.Err, &r) || r.Hold || p.Held != 0 {
		t.Fatalf("post: %+v", p)
	}
}

// TestHeldApprove: "all" holds even the master's post; approval delivers
// it exactly as an accepted post (queue rows per recipient, archive).
func TestHeldApprove(t *testing.T) {
	s, _ := heldFixture(t, ModerateAll)
	ctx := context.Background()
	p := post("a@example.test", true)
	if err := s.AcceptPosts(ctx, []*Post{p}); err != nil || p.Err != nil || p.Held == 0 {
		t.Fatal(err, p.Err, p.Held)
	}
	list, err := s.ListHeld(ctx, user("a@example.test"), "team")
	if err != nil || len(list) != 1 || list[0].N != p.Held || list[0].Sender != "a@example.test" || list[0].Subject != "hi" {
		t.Fatalf("%+v %v", list, err)
	}
	raw, err := s.HeldMessage(ctx, admin, "team", p.Held)
	if err != nil || string(raw) != string(p.Data) {
		t.Fatalf("%q %v", raw, err)
	}
	wantErr(t, s.DecideHeld(ctx, user("b@example.test"), "team", p.Held, HeldApprove, ""), ErrDenied)
	wantErr(t, s.DecideHeld(ctx, user("a@example.test"), "team", p.Held, "maybe", ""), ErrInvalid)
	if err := s.DecideHeld(ctx, user("a@example.test"), "team", p.Held, HeldApprove, ""); err != nil {
		t.Fatal(err)
	}
	for _, rcpt := range []string{"a@example.test", "b@example.test", "x@other.example"} {
		if n := queued(t, s, "post", rcpt); n != 1 {
			t.Fatalf("%s: %d copies, want 1", rcpt, n)
		}
	}
	if n := countRows(t, s, `SELECT COUNT(*) FROM messages`); n != 1 {
		t.Fatalf("%d archived, want 1", n)
	}
	wantErr(t, s.DecideHeld(ctx, user("a@example.test"), "team", p.Held, HeldApprove, ""), ErrNotFound)
}

// TestHeldReject: a verified author is told the reason, an unverified
// one nothing; discard tells nobody.
func TestHeldReject(t *testing.T) {
	s, _ := heldFixture(t, ModerateAll)
	ctx := context.Background()
	v, u, d := post("c@example.test", true), post("forged@example.test", false), post("b@example.test", true)
	u.Unverified = true
	if err := s.AcceptPosts(ctx, []*Post{v, u, d}); err != nil || v.Held == 0 || u.Held == 0 || d.Held == 0 {
		t.Fatal(err, v, u, d)
	}
	m := user("a@example.test")
	for _, x := range []struct {
		p      *Post
		action string
	}{{v, HeldReject}, {u, HeldReject}, {d, HeldDiscard}} {
		if err := s.DecideHeld(ctx, m, "team", x.p.Held, x.action, "off topic"); err != nil {
			t.Fatal(err)
		}
	}
	if n := countRows(t, s, `SELECT COUNT(*) FROM held_posts`); n != 0 {
		t.Fatalf("%d still held", n)
	}
	if queued(t, s, "notice", "c@example.test") != 1 || queued(t, s, "notice", "forged@example.test") != 0 ||
		queued(t, s, "notice", "b@example.test") != 0 {
		t.Fatal("wrong authors told")
	}
	var data []byte
	if err := s.rdb.QueryRow(`SELECT o.data FROM outbound o JOIN outbound_rcpts r ON r.oid = o.oid
		WHERE r.rcpt = 'c@example.test'`).Scan(&data); err != nil || !strings.Contains(string(data), "off topic") {
		t.Fatalf("%s %v", data, err)
	}
}

// TestHeldExpiry: after the days given, held posts expire and verified
// authors are told; younger ones stay.
func TestHeldExpiry(t *testing.T) {
	s, now := heldFixture(t, ModerateAll)
	ctx := context.Background()
	old := post("c@example.test", true)
	if err := s.AcceptPosts(ctx, []*Post{old}); err != nil || old.Held == 0 {
		t.Fatal(err, old.Err)
	}
	*now = now.Add(10 * 24 * time.Hour)
	young := post("b@example.test", true)
	if err := s.AcceptPosts(ctx, []*Post{young}); err != nil || young.Held == 0 {
		t.Fatal(err, young.Err)
	}
	*now = now.Add(4*24*time.Hour + time.Minute)
	if n, err := s.ExpireHeld(ctx, 14); err != nil || n != 1 {
		t.Fatal(n, err)
	}
	list, _ := s.ListHeld(ctx, admin, "team")
	if len(list) != 1 || list[0].N != young.Held {
		t.Fatalf("%+v", list)
	}
	if queued(t, s, "notice", "c@example.test") != 1 {
		t.Fatal("the expired post's author was not told")
	}
}

// TestHeldPrivacy: a private group's held posts are missing to an
// outsider, and denied to a member.
func TestHeldPrivacy(t *testing.T) {
	s, _ := heldFixture(t, ModerateAll)
	ctx := context.Background()
	_, err := s.ListHeld(ctx, user("c@example.test"), "team")
	wantErr(t, err, ErrDenied) // public: it exists, but is not theirs to moderate
	if _, err := s.UpdateGroup(ctx, admin, "team", GroupSpec{Public: boolp(false)}); err != nil {
		t.Fatal(err)
	}
	_, err = s.ListHeld(ctx, user("c@example.test"), "team")
	wantErr(t, err, ErrNotFound)
	_, err = s.ListHeld(ctx, user("b@example.test"), "team")
	wantErr(t, err, ErrDenied)
	_, err = s.ListHeld(ctx, user("c@example.test"), "nosuch")
	wantErr(t, err, ErrNotFound)
	_, err = s.UpdateGroup(ctx, admin, "team", GroupSpec{MailingList: &ListSpec{Moderation: str("sometimes")}})
	wantErr(t, err, ErrInvalid)
}

// TestHeldNoticeLinks: the masters' notice links the console page when
// public_url is set, attaches the post and replies to the request
// address; without public_url it names the API route and no https link.
func TestHeldNoticeLinks(t *testing.T) {
	for _, base := range []string{"", "https://groups.example.test"} {
		o := testOptions(t)
		o.PublicURL = base
		s, err := Open(o)
		if err != nil {
			t.Fatal(err)
		}
		addUsers(t, s, "a@example.test", "c@example.test")
		mustGroup(t, s, admin, GroupSpec{ID: str("team"), Name: str("Team"), Notify: boolp(false),
			Masters: []string{"a@example.test"}, MailingList: &ListSpec{Moderation: str(ModerateAll)}})
		p := post("c@example.test", true)
		if err := s.AcceptPosts(context.Background(), []*Post{p}); err != nil || p.Held == 0 {
			t.Fatal(err, p.Err)
		}
		var data []byte
		if err := s.rdb.QueryRow(`SELECT data FROM outbound WHERE kind = 'notice'`).Scan(&data); err != nil {
			t.Fatal(err)
		}
		msg := string(data)
		link := base + "/g/team/held/" + strconv.FormatInt(p.Held, 10)
		if base == "" {
			link = "/api/v1/groups/team/held/"
		}
		if !strings.Contains(msg, link) || (base == "") == strings.Contains(msg, "https://") ||
			!strings.Contains(msg, "Reply-To: <team-request+") || !strings.Contains(msg, "message/rfc822") {
			t.Errorf("public_url %q: notice\n%s", base, msg)
		}
		s.Close()
	}
}
