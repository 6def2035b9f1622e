package groups

import (
	"context"
	"fmt"
	"math"
	"slices"
	"testing"
	"time"
)

// unbundleAll turns every bundle into queue rows, as the queue does when
// it has room: tests that look at rows call it first.
func unbundleAll(t testing.TB, s *Store) {
	t.Helper()
	if _, err := s.Unbundle(context.Background(), math.MaxInt32); err != nil {
		t.Fatal(err)
	}
}

// queuedRows is every queue row's post and recipient, "oid rcpt", sorted.
func queuedRows(t *testing.T, s *Store) []string {
	t.Helper()
	rows, err := scanStrings(s.rdb.Query(`SELECT CAST(oid AS TEXT) || ' ' || rcpt FROM outbound_rcpts WHERE state = 'queued'`))
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(rows)
	return rows
}

// bundleTeam makes group team whose recipients are a@, b@ and z@: c@
// (digest) and d@ (none) get no copy, b@ is also an external address
// (counted once, as the member), w@ is external but disabled for
// bouncing.
func bundleTeam(t *testing.T, s *Store) {
	t.Helper()
	ctx := context.Background()
	addUsers(t, s, "a@example.test", "b@example.test", "c@example.test", "d@example.test")
	g := mustGroup(t, s, admin, GroupSpec{ID: str("team"), Name: str("Team"), Notify: boolp(false), External: boolp(true),
		Masters: []string{"a@example.test"}, Members: []string{"b@example.test", "c@example.test", "d@example.test"},
		MailingList: &ListSpec{SendRestriction: str("anyone"),
			ExternalMembers: &[]string{"z@other.example", "b@example.test", "w@other.example"}}})
	for who, mode := range map[string]string{"c@example.test": DeliverDigest, "d@example.test": DeliverNone} {
		if err := s.SetDelivery(ctx, user(who), "team", mode); err != nil {
			t.Fatal(err)
		}
	}
	err := s.write(ctx, func(tx *wtx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO list_bounces (gid, address, hard, disabled, updated_at)
			SELECT gid, 'w@other.example', 1, 1, 0 FROM groups WHERE id = ?`, g.ID)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// teamPosts is n posts to team, with Message-IDs tag-0@x...
func teamPosts(tag string, n int) []*Post {
	var out []*Post
	for i := range n {
		out = append(out, &Post{List: "team@lists.example.test", Sender: "a@example.test",
			MessageID: fmt.Sprintf("%s-%d@x", tag, i), Data: []byte("Subject: s\r\n\r\nx\r\n")})
	}
	return out
}

func accept(t *testing.T, s *Store, posts []*Post) {
	t.Helper()
	if err := s.AcceptPosts(context.Background(), posts); err != nil {
		t.Fatal(err)
	}
	for _, p := range posts {
		if p.Err != nil {
			t.Fatal(p.Err)
		}
	}
}

// TestAcceptWritesOneBundle: accepting a post writes one bundle row and
// no queue row, and as many statements for a list of 100 recipients as
// for a list of 3 (the first post works the recipients out, the next
// copies them).
func TestAcceptWritesOneBundle(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	bundleTeam(t, s)
	var ext []string
	for i := range 100 {
		ext = append(ext, fmt.Sprintf("r%03d@far.example", i))
	}
	mustGroup(t, s, admin, GroupSpec{ID: str("big"), Name: str("Big"), Notify: boolp(false), External: boolp(true),
		Masters: []string{"a@example.test"}, MailingList: &ListSpec{SendRestriction: str("anyone"), ExternalMembers: &ext}})
	mustGroup(t, s, admin, GroupSpec{ID: str("small"), Name: str("Small"), Notify: boolp(false), External: boolp(true),
		Masters: []string{"a@example.test"}, MailingList: &ListSpec{SendRestriction: str("anyone"), ExternalMembers: &[]string{"x@far.example", "y@far.example"}}})
	stmts := map[string]int64{}
	for _, list := range []string{"small", "big"} {
		posts := teamPosts(list, 2)
		for _, p := range posts {
			p.List = list + "@lists.example.test"
		}
		before := s.d.stmts.Load()
		accept(t, s, posts)
		stmts[list] = s.d.stmts.Load() - before
		want := map[string]int{"small": 3, "big": 101}[list] // big: a@ the master, and 100 external
		if posts[0].Recipients != want || posts[1].Recipients != want {
			t.Fatalf("%s: %d and %d recipients, want %d", list, posts[0].Recipients, posts[1].Recipients, want)
		}
	}
	if stmts["small"] != stmts["big"] {
		t.Errorf("statements: %d for 3 recipients, %d for 101", stmts["small"], stmts["big"])
	}
	if n := countRows(t, s, `SELECT COUNT(*) FROM outbound_rcpts`); n != 0 {
		t.Errorf("acceptance wrote %d queue rows, want 0", n)
	}
	if n := countRows(t, s, `SELECT COUNT(*) FROM outbound_bundles`); n != 4 {
		t.Errorf("%d bundles, want one per post (4)", n)
	}
	// A list with no recipient gets no bundle.
	mustGroup(t, s, admin, GroupSpec{ID: str("empty"), Name: str("Empty"), Notify: boolp(false),
		Masters: []string{"d@example.test"}, MailingList: &ListSpec{SendRestriction: str("anyone")}})
	if err := s.SetDelivery(ctx, user("d@example.test"), "empty", DeliverNone); err != nil {
		t.Fatal(err)
	}
	p := &Post{List: "empty@lists.example.test", Sender: "a@example.test", Data: []byte("Subject: s\r\n\r\nx\r\n")}
	accept(t, s, []*Post{p})
	if p.Recipients != 0 || countRows(t, s, `SELECT COUNT(*) FROM outbound_bundles`) != 4 {
		t.Errorf("post to a list without recipients: %d recipients, %d bundles", p.Recipients,
			countRows(t, s, `SELECT COUNT(*) FROM outbound_bundles`))
	}
}

// TestUnbundleMakesAcceptanceRows: the rows Unbundle makes are the ones
// acceptance wrote before bundles: every recipient of each post once, in
// each post's delivery mode, without disabled external addresses, queued
// and due now; whole bundles, the oldest first, about as many recipients
// as asked for.
func TestUnbundleMakesAcceptanceRows(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	bundleTeam(t, s)
	first, second := teamPosts("first", 3), teamPosts("second", 1)
	accept(t, s, first)
	accept(t, s, second)
	n, err := s.Unbundle(ctx, 1)
	if err != nil || n != 3 {
		t.Fatalf("Unbundle(1) made %d rows, %v; want one whole bundle (3)", n, err)
	}
	if n, err := s.Unbundle(ctx, 4); err != nil || n != 6 {
		t.Fatalf("Unbundle(4) made %d rows, %v; want two bundles (6)", n, err)
	}
	unbundleAll(t, s)
	var want []string
	for _, p := range append(first, second...) {
		var oid int64
		if err := s.rdb.QueryRow(`SELECT oid FROM outbound WHERE mid = (SELECT mid FROM messages WHERE message_id = ?)`,
			p.MessageID).Scan(&oid); err != nil {
			t.Fatal(err)
		}
		for _, r := range []string{"a@example.test", "b@example.test", "z@other.example"} {
			want = append(want, fmt.Sprintf("%d %s", oid, r))
		}
	}
	slices.Sort(want)
	if got := queuedRows(t, s); !slices.Equal(got, want) {
		t.Fatalf("queue rows\n%v\nwant\n%v", got, want)
	}
	if n := countRows(t, s, `SELECT COUNT(*) FROM outbound_rcpts WHERE attempts <> 0 OR lease <> 0 OR next_try > ? OR bounced <> 0`,
		time.Now().Unix()); n != 0 {
		t.Errorf("%d rows are not fresh and due", n)
	}
	if n := countRows(t, s, `SELECT COUNT(*) FROM outbound_bundles`); n != 0 {
		t.Errorf("%d bundles left", n)
	}
	if n, err := s.Unbundle(ctx, 100); n != 0 || err != nil {
		t.Errorf("Unbundle with nothing bundled: %d, %v", n, err)
	}
	items, err := s.DueOutbound(ctx, time.Now(), 100, 0, nil)
	if err != nil || len(items) != 12 {
		t.Fatalf("due %d, %v; want 12", len(items), err)
	}
}

// TestUnbundleTwoStores: two stores (on PostgreSQL two nodes) unbundling
// at once never make a recipient's row twice, and leave nothing
// bundled.
func TestUnbundleTwoStores(t *testing.T) {
	a, b := twoStores(t)
	ctx := context.Background()
	bundleTeam(t, a)
	want := 0
	for round := range 100 {
		accept(t, a, teamPosts(fmt.Sprint(round, "a"), 4))
		accept(t, a, teamPosts(fmt.Sprint(round, "b"), 3))
		want += 7 * 3
		drain := func(s *Store) func() error {
			return func() error {
				for {
					n, err := s.Unbundle(ctx, 4)
					if err != nil || n == 0 {
						return err
					}
				}
			}
		}
		if errA, errB := race(drain(a), drain(b)); errA != nil || errB != nil {
			t.Fatalf("round %d: %v, %v", round, errA, errB)
		}
		rows := queuedRows(t, a)
		if len(rows) != want || len(slices.Compact(rows)) != want {
			t.Fatalf("round %d: %d rows, %d distinct; want %d", round, len(rows), len(slices.Compact(rows)), want)
		}
		if n := countRows(t, a, `SELECT COUNT(*) FROM outbound_bundles`); n != 0 {
			t.Fatalf("round %d: %d bundles left", round, n)
		}
	}
}

// TestBundledPostsInStatsAndPrune: a post still in its bundle counts in
// the queue's figures as it will once in rows, and is not pruned as
// done; a bundle goes with its message.
func TestBundledPostsInStatsAndPrune(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	bundleTeam(t, s)
	accept(t, s, teamPosts("p", 2))
	bundled, err := s.OutboundStats(ctx)
	if err != nil || bundled.Messages != 2 || bundled.Recipients != 6 || bundled.Oldest.IsZero() {
		t.Fatalf("stats while bundled: %+v, %v", bundled, err)
	}
	if n, err := s.PruneOutbound(ctx, time.Now().Add(time.Hour)); err != nil || n != 0 {
		t.Fatalf("pruned %d bundled posts (%v)", n, err)
	}
	if _, err := s.Unbundle(ctx, 1); err != nil { // one post in rows, one bundled
		t.Fatal(err)
	}
	if half, err := s.OutboundStats(ctx); err != nil || half != bundled {
		t.Fatalf("stats half unbundled: %+v, %v; want %+v", half, err, bundled)
	}
	items, err := s.DueOutbound(ctx, time.Now(), 100, 0, nil)
	if err != nil || len(items) != 3 {
		t.Fatalf("due %d, %v", len(items), err)
	}
	d := Delivery{}
	for _, it := range items {
		d.Sent = append(d.Sent, it.RID)
	}
	if err := s.FinishDelivery(ctx, d, 5); err != nil {
		t.Fatal(err)
	}
	if st, err := s.OutboundStats(ctx); err != nil || st.Messages != 1 || st.Recipients != 3 {
		t.Fatalf("stats after the first post went: %+v, %v", st, err)
	}
	if n, err := s.PruneOutbound(ctx, time.Now().Add(time.Hour)); err != nil || n != 1 {
		t.Fatalf("pruned %d, %v; want the delivered post only", n, err)
	}
	if n := countRows(t, s, `SELECT COUNT(*) FROM outbound_bundles`); n != 1 {
		t.Fatalf("%d bundles, want the undelivered post's", n)
	}
	err = s.write(ctx, func(tx *wtx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM outbound`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, s, `SELECT COUNT(*) FROM outbound_bundles`); n != 0 {
		t.Fatalf("%d bundles outlive their message", n)
	}
}
