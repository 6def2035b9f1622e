package groups

import (
	"context"
	"fmt"
	"testing"
)

// TestAcceptStatementsPerPost: a batch of posts to a list that has
// archived posts before runs a fixed number of statements per post
// (each a round trip on PostgreSQL): on PostgreSQL the archive row, its
// UID and its place on the indexer's list are one statement (WITH), and
// the queue row with the bundle copied from the batch's first post to
// the list another.
func TestAcceptStatementsPerPost(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	addUsers(t, s, "alice@example.test", "bob@example.test")
	alice := user("alice@example.test")
	mustGroup(t, s, alice, GroupSpec{ID: str("team"), Name: str("Team"), Notify: boolp(false),
		Members: []string{"bob@example.test"}})
	post := func(i int) *Post {
		return &Post{List: "team@lists.example.test", Sender: "alice@example.test",
			Data: []byte(fmt.Sprintf("Subject: s%d\r\n\r\nbody %d\r\n", i, i))}
	}
	if err := s.AcceptPosts(ctx, []*Post{post(0)}); err != nil {
		t.Fatal(err)
	}
	count := func(n int) int64 {
		var batch []*Post
		for i := range n {
			batch = append(batch, post(i+1))
		}
		before := s.d.stmts.Load()
		if err := s.AcceptPosts(ctx, batch); err != nil {
			t.Fatal(err)
		}
		for _, p := range batch {
			if p.Err != nil || p.ArchiveUID == 0 || p.Recipients != 2 {
				t.Fatalf("post: %v, UID %d, %d recipients", p.Err, p.ArchiveUID, p.Recipients)
			}
		}
		return s.d.stmts.Load() - before
	}
	one, eleven := count(1), count(11)
	perPost := (eleven - one) / 10
	want := int64(5) // UID, row, list entry, queue row, bundle
	if s.d.pg {
		want = 2
	}
	t.Logf("statements: %d for 1 post, %d for 11: %d per post", one, eleven, perPost)
	if perPost != want {
		t.Fatalf("%d statements per post, want %d", perPost, want)
	}
}
