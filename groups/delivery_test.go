package groups

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"
)

// deliveryTeam makes group team: a@ master, b@ (each), c@ (digest), d@
// (none), external x@ (digest) and y@ (none), by the API's own calls.
func deliveryTeam(t *testing.T, s *Store) {
	t.Helper()
	addUsers(t, s, "a@example.test", "b@example.test", "c@example.test", "d@example.test")
	mustGroup(t, s, admin, GroupSpec{ID: str("team"), Name: str("Team"), Notify: boolp(false), External: boolp(true),
		Masters: []string{"a@example.test"}, Members: []string{"b@example.test", "c@example.test", "d@example.test"},
		MailingList: &ListSpec{ExternalMembers: &[]string{"x@other.example", "y@other.example"}}})
	ctx := context.Background()
	for _, c := range []struct{ who, mode string }{{"c@example.test", DeliverDigest}, {"d@example.test", DeliverNone}} {
		if err := s.SetDelivery(ctx, user(c.who), "team", c.mode); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct{ addr, mode string }{{"x@other.example", DeliverDigest}, {"y@other.example", DeliverNone}} {
		if err := s.SetExternalDelivery(ctx, user("a@example.test"), "team", c.addr, c.mode); err != nil {
			t.Fatal(err)
		}
	}
}

func postTo(t *testing.T, s *Store, n int, subject string) *Post {
	t.Helper()
	p := &Post{List: "team@lists.example.test", Sender: "a@example.test", MessageID: fmt.Sprintf("m%d@x", n),
		Data: []byte("Subject: " + subject + "\r\n\r\nbody\r\n")}
	if err := s.AcceptPosts(context.Background(), []*Post{p}); err != nil || p.Err != nil {
		t.Fatal(err, p.Err)
	}
	return p
}

func queuedRcpts(t *testing.T, s *Store, kind string) []string {
	t.Helper()
	unbundleAll(t, s)
	got, err := scanStrings(s.rdb.Query(`SELECT r.rcpt FROM outbound_rcpts r JOIN outbound o ON o.oid = r.oid
		WHERE o.kind = ? ORDER BY r.rcpt`, kind))
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// TestDeliveryModeFanOut: a post goes to the each recipients only (a@,
// b@); digest and none recipients get no copy, and the post is kept for
// the digest recipients.
func TestDeliveryModeFanOut(t *testing.T) {
	s := newStore(t)
	deliveryTeam(t, s)
	p := postTo(t, s, 1, "one")
	if want := []string{"a@example.test", "b@example.test"}; p.Recipients != 2 || !slices.Equal(queuedRcpts(t, s, "post"), want) {
		t.Fatalf("post queued for %v (%d), want %v", queuedRcpts(t, s, "post"), p.Recipients, want)
	}
	if n := countRows(t, s, `SELECT COUNT(*) FROM digest_posts`); n != 1 {
		t.Fatalf("%d posts kept for digests, want 1", n)
	}
	// The modes read back; a PATCH of the list keeps the external modes.
	ctx := context.Background()
	if m, err := s.Delivery(ctx, user("d@example.test"), "team"); err != nil || m != DeliverNone {
		t.Fatalf("d@'s mode %q %v", m, err)
	}
	if _, err := s.UpdateGroup(ctx, user("a@example.test"), "team", GroupSpec{MailingList: &ListSpec{
		ExternalMembers: &[]string{"x@other.example", "y@other.example", "z@other.example"}}}); err != nil {
		t.Fatal(err)
	}
	modes, err := s.ExternalDeliveries(ctx, user("a@example.test"), "team")
	if err != nil || modes["x@other.example"] != DeliverDigest || modes["y@other.example"] != DeliverNone || modes["z@other.example"] != DeliverEach {
		t.Fatalf("external modes after an edit: %v %v", modes, err)
	}
	// Members set only their own mode; an outsider's answer is a
	// member's; a master sets external modes, a member may not.
	wantErr(t, s.SetDelivery(ctx, user("a@example.test"), "team", "weekly"), ErrInvalid)
	wantErr(t, s.SetExternalDelivery(ctx, user("b@example.test"), "team", "x@other.example", DeliverEach), ErrDenied)
	wantErr(t, s.SetExternalDelivery(ctx, user("a@example.test"), "team", "nobody@other.example", DeliverEach), ErrNotFound)
}

// TestDigestSelectionAndMark: nothing is due before the digest hour or
// the size limit; then c@ and x@ each get one digest job with the posts
// since their mark, and CommitDigest queues it and moves the mark, once:
// a second commit of the same job queues nothing. Posts every recipient
// has had are pruned.
func TestDigestSelectionAndMark(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	deliveryTeam(t, s)
	start := time.Now()
	for i := 1; i <= 3; i++ {
		postTo(t, s, i, fmt.Sprintf("post %d", i))
	}
	jobs, err := s.DueDigests(ctx, start.Add(-time.Hour), 1<<20)
	if err != nil || len(jobs) != 0 {
		t.Fatalf("due before the hour: %+v %v", jobs, err)
	}
	// Past the size limit, or past the hour: due.
	if jobs, err = s.DueDigests(ctx, start.Add(-time.Hour), 30); err != nil || len(jobs) != 2 {
		t.Fatalf("due over the size: %+v %v", jobs, err)
	}
	jobs, err = s.DueDigests(ctx, time.Now().Add(time.Second), 1<<20)
	if err != nil || len(jobs) != 2 || jobs[0].Rcpt != "c@example.test" || jobs[1].Rcpt != "x@other.example" || jobs[0].Pending != 3 {
		t.Fatalf("due after the hour: %+v %v", jobs, err)
	}
	for i := range jobs {
		posts, err := s.DigestPosts(ctx, &jobs[i], 1<<20)
		if err != nil || len(posts) != 3 || string(posts[0].Data) != "Subject: post 1\r\n\r\nbody\r\n" {
			t.Fatalf("posts of %s: %d %v", jobs[i].Rcpt, len(posts), err)
		}
		if ok, err := s.CommitDigest(ctx, &jobs[i], posts[2].ID, "digest", []byte("digest data")); !ok || err != nil {
			t.Fatalf("commit for %s: %v %v", jobs[i].Rcpt, ok, err)
		}
		if ok, err := s.CommitDigest(ctx, &jobs[i], posts[2].ID, "digest", []byte("digest data")); ok || err != nil {
			t.Fatalf("a second commit of the same job for %s: %v %v", jobs[i].Rcpt, ok, err)
		}
	}
	if got := queuedRcpts(t, s, "digest"); !slices.Equal(got, []string{"c@example.test", "x@other.example"}) {
		t.Fatalf("digests queued for %v", got)
	}
	if n := countRows(t, s, `SELECT COUNT(*) FROM digest_posts`); n != 0 {
		t.Fatalf("%d digest posts left after every recipient had them", n)
	}
	if jobs, err = s.DueDigests(ctx, time.Now().Add(time.Hour), 1); err != nil || len(jobs) != 0 {
		t.Fatalf("due after the digests: %+v %v", jobs, err)
	}
	// DigestPosts stops at the post that reaches maxBytes.
	postTo(t, s, 4, "four")
	postTo(t, s, 5, "five")
	jobs, _ = s.DueDigests(ctx, time.Now().Add(time.Second), 1<<20)
	if posts, err := s.DigestPosts(ctx, &jobs[0], 10); err != nil || len(posts) != 1 {
		t.Fatalf("posts up to 10 bytes: %d %v", len(posts), err)
	}
}

// TestDeliveryModeChange: a switch takes effect at the next post. b@
// switching to digest gets none of the posts before the switch in a
// digest, and the next post only in its digest; c@ switching from digest
// to each gets the next post as a copy, and the post that was waiting in
// one last digest, after which it is due no more.
func TestDeliveryModeChange(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	deliveryTeam(t, s)
	postTo(t, s, 1, "before")
	if err := s.SetDelivery(ctx, user("b@example.test"), "team", DeliverDigest); err != nil {
		t.Fatal(err)
	}
	if err := s.SetDelivery(ctx, user("c@example.test"), "team", DeliverEach); err != nil {
		t.Fatal(err)
	}
	postTo(t, s, 2, "after")
	if got := queuedRcpts(t, s, "post"); !slices.Equal(got, []string{"a@example.test", "a@example.test", "b@example.test", "c@example.test"}) {
		t.Fatalf("copies queued for %v", got)
	}
	jobs, err := s.DueDigests(ctx, time.Now().Add(time.Second), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	byRcpt := map[string]int{}
	for _, j := range jobs {
		byRcpt[j.Rcpt] = j.Pending
	}
	if want := map[string]int{"b@example.test": 1, "c@example.test": 1, "x@other.example": 2}; fmt.Sprint(byRcpt) != fmt.Sprint(want) {
		t.Fatalf("pending digests %v, want %v", byRcpt, want)
	}
	for i := range jobs {
		if jobs[i].Rcpt != "c@example.test" {
			continue
		}
		posts, err := s.DigestPosts(ctx, &jobs[i], 1<<20)
		if err != nil || len(posts) != 1 || string(posts[0].Data) != "Subject: before\r\n\r\nbody\r\n" {
			t.Fatalf("c@'s last digest: %d posts %v", len(posts), err)
		}
		if ok, err := s.CommitDigest(ctx, &jobs[i], posts[0].ID, "last", []byte("x")); !ok || err != nil {
			t.Fatalf("c@'s last digest: %v %v", ok, err)
		}
	}
	postTo(t, s, 3, "later")
	jobs, _ = s.DueDigests(ctx, time.Now().Add(time.Second), 1<<20)
	for _, j := range jobs {
		if j.Rcpt == "c@example.test" {
			t.Fatalf("c@ is due another digest after the last: %+v", j)
		}
	}
}
