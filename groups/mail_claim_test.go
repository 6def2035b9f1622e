package groups

import (
	"context"
	"fmt"
	"testing"
	"time"

	"groupd/internal/testdb"
)

// twoNodes opens two stores on one fresh database on a shared clock,
// with a lease of 10 s, and queues one message to n recipients.
func twoNodes(t *testing.T, n int) (a, b *Store, c *clock) {
	t.Helper()
	db := testdb.New(t)
	c = &clock{t: time.Unix(1_800_000_000, 0)}
	var out [2]*Store
	for i := range out {
		o := dbOptions(db)
		o.Now, o.Lease, o.NodeID = c.now, 10*time.Second, fmt.Sprintf("node-%c", 'a'+i)
		s, err := Open(o)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		out[i] = s
	}
	rcpts := make([]string, n)
	for i := range rcpts {
		rcpts[i] = fmt.Sprintf("r%04d@example.net", i)
	}
	if err := out[0].Enqueue(context.Background(), "x@example.test", rcpts, []byte("Subject: x\r\n\r\nx\r\n")); err != nil {
		t.Fatal(err)
	}
	return out[0], out[1], c
}

func rcptSet(t *testing.T, seen map[string]string, node string, items []OutboundItem) {
	t.Helper()
	for _, it := range items {
		if prev, ok := seen[it.Rcpt]; ok {
			t.Fatalf("%s given to %s and to %s", it.Rcpt, prev, node)
		}
		seen[it.Rcpt] = node
	}
}

// TestClaimsSplitRows: two nodes taking due rows at once never get the
// same row, and between them get every row (PostgreSQL: claims; on
// SQLite one queue per database keeps its rows in memory, so nothing is
// claimed there).
func TestClaimsSplitRows(t *testing.T) {
	pgOnly(t)
	a, b, c := twoNodes(t, 300)
	ctx := context.Background()
	seen := map[string]string{}
	for range 10 {
		var ia, ib []OutboundItem
		errA, errB := race(func() (err error) { ia, err = a.DueOutbound(ctx, c.now(), 20, 0, nil); return },
			func() (err error) { ib, err = b.DueOutboundAfter(ctx, c.now(), 0, 20); return })
		if errA != nil || errB != nil {
			t.Fatal(errA, errB)
		}
		c.add(time.Second)
		rcptSet(t, seen, "A", ia)
		rcptSet(t, seen, "B", ib)
	}
	if len(seen) != 300 {
		t.Fatalf("%d of 300 rows handed out", len(seen))
	}
}

// TestClaimsTakeOverAfterLease: a node's rows stay its own while it
// renews its claims; once it stops (dies), another node takes them over
// after the lease, and a row whose outcome is recorded is not taken.
func TestClaimsTakeOverAfterLease(t *testing.T) {
	pgOnly(t)
	a, b, c := twoNodes(t, 10)
	ctx := context.Background()
	held, err := a.DueOutbound(ctx, c.now(), 100, 0, nil)
	if err != nil || len(held) != 10 {
		t.Fatalf("node A took %d rows: %v", len(held), err)
	}
	if err := a.FinishDelivery(ctx, Delivery{Sent: []int64{held[0].RID}}, 0); err != nil {
		t.Fatal(err)
	}
	for range 3 { // A renews within each lease: B gets nothing
		c.add(8 * time.Second)
		if err := a.RenewClaims(ctx); err != nil {
			t.Fatal(err)
		}
		if got, err := b.DueOutbound(ctx, c.now(), 100, 0, nil); err != nil || len(got) != 0 {
			t.Fatalf("node B took %d rows node A holds: %v", len(got), err)
		}
	}
	if got, _ := a.DueOutbound(ctx, c.now(), 100, 0, nil); len(got) != 0 {
		t.Fatalf("node A took its own rows again: %d", len(got))
	}
	c.add(9 * time.Second) // within the lease: still A's
	if got, _ := b.DueOutbound(ctx, c.now(), 100, 0, nil); len(got) != 0 {
		t.Fatalf("node B took %d rows before the lease ended", len(got))
	}
	c.add(2 * time.Second) // A died: its lease has passed
	got, err := b.DueOutbound(ctx, c.now(), 100, 0, nil)
	if err != nil || len(got) != 9 {
		t.Fatalf("node B took over %d of 9 rows: %v", len(got), err)
	}
	for _, it := range got {
		if it.RID == held[0].RID {
			t.Fatal("node B took the row node A delivered")
		}
	}
}

// TestClaimsIndexOnce: two nodes indexing the archive at once each take
// other posts, and all are indexed.
func TestClaimsIndexOnce(t *testing.T) {
	pgOnly(t)
	a, b, _ := twoNodes(t, 0)
	ctx := context.Background()
	g := archiveSome(t, a, 40)
	var na, nb int
	errA, errB := race(func() (err error) { na, err = a.IndexArchive(ctx, 30); return },
		func() (err error) { nb, err = b.IndexArchive(ctx, 30); return })
	if errA != nil || errB != nil {
		t.Fatal(errA, errB)
	}
	if na+nb != 40 {
		t.Fatalf("indexed %d + %d posts of 40", na, nb)
	}
	if n := countRows(t, a, `SELECT COUNT(*) FROM imap_text_todo`); n != 0 {
		t.Fatalf("%d posts still wait for their text in %s", n, g)
	}
}

// archiveSome accepts n posts to a new list and returns its id.
func archiveSome(t *testing.T, s *Store, n int) string {
	t.Helper()
	addUsers(t, s, "alice@example.test")
	mustGroup(t, s, user("alice@example.test"), GroupSpec{ID: str("team"), Name: str("Team"), Notify: boolp(false)})
	var posts []*Post
	for i := range n {
		posts = append(posts, &Post{List: "team@lists.example.test", Sender: "alice@example.test",
			Data: []byte(fmt.Sprintf("Subject: s%d\r\n\r\nbody %d\r\n", i, i))})
	}
	if err := s.AcceptPosts(context.Background(), posts); err != nil {
		t.Fatal(err)
	}
	return "team"
}
