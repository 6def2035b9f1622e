package groups

import (
	"context"
	"testing"
	"time"
)

func countRows(t *testing.T, s *Store, query string, args ...any) int {
	t.Helper()
	var n int
	if err := s.rdb.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// queuedRecipients is how many recipients wait in the queue: in rows, and
// in the bundles of posts not yet expanded.
func queuedRecipients(t *testing.T, s *Store) int {
	t.Helper()
	return countRows(t, s, `SELECT COUNT(*) FROM outbound_rcpts WHERE state = 'queued'`) +
		countRows(t, s, `SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM outbound_bundles`)
}

// TestAcceptPostsAtomic: in one batch, a post that breaks the rule leaves
// no row at all; the good post is stored whole (message, its recipients,
// archive entry).
func TestAcceptPostsAtomic(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	addUsers(t, s, "a@example.test", "b@example.test", "c@example.test")
	mustGroup(t, s, admin, GroupSpec{ID: str("team"), Name: str("Team"), Notify: boolp(false), External: boolp(true),
		Masters: []string{"a@example.test"}, Members: []string{"b@example.test"},
		MailingList: &ListSpec{SendRestriction: str("members"), ExternalMembers: &[]string{"x@other.example", "b@example.test"}}})
	good := &Post{List: "team@lists.example.test", Sender: "b@example.test", Data: []byte("Subject: ok\r\n\r\nx\r\n"), MessageID: "m1@x"}
	bad := &Post{List: "team@lists.example.test", Sender: "c@example.test", Data: []byte("Subject: no\r\n\r\nx\r\n")}
	gone := &Post{List: "nope@lists.example.test", Sender: "b@example.test", Data: []byte("x")}
	if err := s.AcceptPosts(ctx, []*Post{bad, good, gone}); err != nil {
		t.Fatal(err)
	}
	var r *Refusal
	if !asRefusal(bad.Err, &r) || r.Rule != RefuseMembers || !asRefusal(gone.Err, &r) || r.Rule != RefuseNoList {
		t.Fatalf("errors %v, %v", bad.Err, gone.Err)
	}
	if good.Err != nil || good.Recipients != 3 || good.ArchiveUID != 1 {
		t.Fatalf("good post: %+v", good)
	}
	if n := countRows(t, s, `SELECT COUNT(*) FROM outbound WHERE kind = 'post'`); n != 1 {
		t.Fatalf("%d posts queued, want 1", n)
	}
	if n := queuedRecipients(t, s); n != 3 {
		t.Fatalf("%d recipients queued, want 3", n)
	}
	if n := countRows(t, s, `SELECT COUNT(*) FROM messages`); n != 1 {
		t.Fatalf("%d archived, want 1", n)
	}
}

func asRefusal(err error, r **Refusal) bool {
	x, ok := err.(*Refusal)
	*r = x
	return ok
}

// TestAcceptPostNoArchiveWhenFeatureOff: the archive is skipped when the
// group's message feature is off, or the policy disables it.
func TestAcceptPostNoArchiveWhenFeatureOff(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	addUsers(t, s, "a@example.test")
	mustGroup(t, s, admin, GroupSpec{ID: str("t1"), Name: str("T1"), Notify: boolp(false), Masters: []string{"a@example.test"},
		Features: &FeatureSpec{Message: boolp(false)}})
	mustGroup(t, s, admin, GroupSpec{ID: str("t2"), Name: str("T2"), Notify: boolp(false), Masters: []string{"a@example.test"}})
	if _, err := s.SetPolicy(ctx, admin, Policy{CreateGroups: "everyone", DisabledFeatures: []string{"message"}}); err != nil {
		t.Fatal(err)
	}
	p1 := &Post{List: "t1@lists.example.test", Sender: "a@example.test", Data: []byte("x")}
	p2 := &Post{List: "t2@lists.example.test", Sender: "a@example.test", Data: []byte("x")}
	if err := s.AcceptPosts(ctx, []*Post{p1, p2}); err != nil || p1.Err != nil || p2.Err != nil {
		t.Fatal(err, p1.Err, p2.Err)
	}
	if n := countRows(t, s, `SELECT COUNT(*) FROM messages`); n != 0 {
		t.Fatalf("%d archived, want 0", n)
	}
}

// TestPruneOutbound: finished messages older than the cut go with their
// rows; those with a queued row stay.
func TestPruneOutbound(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	addUsers(t, s, "a@example.test", "b@example.test")
	mustGroup(t, s, admin, GroupSpec{ID: str("team"), Name: str("Team"), Notify: boolp(false),
		Masters: []string{"a@example.test"}, Members: []string{"b@example.test"}})
	p1 := &Post{List: "team@lists.example.test", Sender: "b@example.test", Data: []byte("x")}
	p2 := &Post{List: "team@lists.example.test", Sender: "b@example.test", Data: []byte("y")}
	if err := s.AcceptPosts(ctx, []*Post{p1, p2}); err != nil {
		t.Fatal(err)
	}
	unbundleAll(t, s)
	items, err := s.DueOutbound(ctx, time.Now(), 100, 0, nil)
	if err != nil || len(items) != 4 {
		t.Fatalf("claimed %d, %v", len(items), err)
	}
	d := Delivery{Sent: []int64{items[0].RID, items[1].RID}, Failed: []Attempt{{RID: items[2].RID, Code: "5.1.1", Error: "no"}}}
	if err := s.FinishDelivery(ctx, d, 5); err != nil {
		t.Fatal(err)
	}
	n, err := s.PruneOutbound(ctx, time.Now().Add(time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("pruned %d, %v; want 1", n, err)
	}
	if c := countRows(t, s, `SELECT COUNT(*) FROM outbound_rcpts r JOIN outbound o ON o.oid = r.oid WHERE o.kind = 'post'`); c != 2 {
		t.Fatalf("%d rows left, want 2 (the unfinished message)", c)
	}
	// The pruned message's rows went with it (a trigger since schema 9).
	if c := countRows(t, s, `SELECT COUNT(*) FROM outbound_rcpts WHERE oid NOT IN (SELECT oid FROM outbound)`); c != 0 {
		t.Fatalf("%d recipient rows outlive their message", c)
	}
}

// TestAcceptPostsBatchRecipients: every post of a batch gets its own row
// per recipient of its own list (once unbundled), whether it is the first post to that
// list in the transaction or a later one, also after a refused post.
func TestAcceptPostsBatchRecipients(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	addUsers(t, s, "a@example.test", "b@example.test", "c@example.test")
	mustGroup(t, s, admin, GroupSpec{ID: str("team"), Name: str("Team"), Notify: boolp(false), External: boolp(true),
		Masters: []string{"a@example.test"}, Members: []string{"b@example.test"},
		MailingList: &ListSpec{SendRestriction: str("members"), ExternalMembers: &[]string{"x@other.example"}}})
	mustGroup(t, s, admin, GroupSpec{ID: str("duo"), Name: str("Duo"), Notify: boolp(false),
		Masters: []string{"a@example.test"}, MailingList: &ListSpec{SendRestriction: str("anyone")}})
	post := func(list, sender string) *Post {
		return &Post{List: list + "@lists.example.test", Sender: sender, Data: []byte("Subject: s\r\n\r\nx\r\n")}
	}
	posts := []*Post{post("team", "c@example.test"), post("team", "b@example.test"), post("duo", "c@example.test"),
		post("team", "a@example.test"), post("team", "c@example.test"), post("team", "b@example.test")}
	if err := s.AcceptPosts(ctx, posts); err != nil {
		t.Fatal(err)
	}
	want := []int{-1, 3, 1, 3, -1, 3} // -1: refused (c is no member of team)
	for i, p := range posts {
		if (want[i] < 0) != (p.Err != nil) || (want[i] >= 0 && p.Recipients != want[i]) {
			t.Errorf("post %d: %d recipients, err %v; want %d", i, p.Recipients, p.Err, want[i])
		}
	}
	unbundleAll(t, s)
	rows := countRows(t, s, `SELECT COUNT(*) FROM outbound_rcpts r JOIN outbound o ON o.oid = r.oid
		WHERE o.gid = (SELECT gid FROM groups WHERE id = 'team') AND r.rcpt IN ('a@example.test', 'b@example.test', 'x@other.example')`)
	if rows != 9 {
		t.Errorf("team: %d recipient rows, want 3 posts x 3", rows)
	}
	if n := countRows(t, s, `SELECT COUNT(DISTINCT oid) FROM outbound_rcpts`); n != 4 {
		t.Errorf("%d posts with recipients, want 4", n)
	}
}

// TestQueuedPostOutlivesItsArchive: an archived post is queued once, in
// the archive; the queue reads the same bytes before and after the
// archive is purged, also once a later post took the purged row's place.
func TestQueuedPostOutlivesItsArchive(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	addUsers(t, s, "a@example.test", "b@example.test")
	mustGroup(t, s, admin, GroupSpec{ID: str("team"), Name: str("Team"), Notify: boolp(false),
		Masters: []string{"a@example.test"}, Members: []string{"b@example.test"}})
	p1 := &Post{List: "team@lists.example.test", Sender: "b@example.test", Data: []byte("Subject: one\r\n\r\nfirst\r\n")}
	if err := s.AcceptPosts(ctx, []*Post{p1}); err != nil || p1.Err != nil || p1.ArchiveUID == 0 {
		t.Fatal(err, p1.Err, p1.ArchiveUID)
	}
	unbundleAll(t, s)
	items, err := s.DueOutbound(ctx, time.Now(), 100, 0, nil)
	if err != nil || len(items) == 0 {
		t.Fatalf("due %d, %v", len(items), err)
	}
	load := func(when string) {
		t.Helper()
		m, err := s.LoadOutbound(ctx, items[0].OID)
		if err != nil || string(m.Data) != string(p1.Data) {
			t.Fatalf("%s: queued data %q, %v; want %q", when, m.Data, err, p1.Data)
		}
	}
	load("archived")
	if err := s.Purge(ctx, admin, "team", []string{FeatureMessage}); err != nil {
		t.Fatal(err)
	}
	load("purged")
	p2 := &Post{List: "team@lists.example.test", Sender: "b@example.test", Data: []byte("Subject: two\r\n\r\nsecond\r\n")}
	if err := s.AcceptPosts(ctx, []*Post{p2}); err != nil || p2.Err != nil {
		t.Fatal(err, p2.Err)
	}
	load("after a new post")
}
