package groups

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// BenchmarkAcceptPostsStore: posts of 4 KB to a 100-member list, stored
// 20 to a transaction as the mail server's group commit does.
func BenchmarkAcceptPostsStore(b *testing.B) { benchAcceptStore(b, false) }

// BenchmarkAcceptAndUnbundle is BenchmarkAcceptPostsStore with the
// queue's share of the writer while it delivers: each batch's bundles
// are expanded into their rows (Store.Unbundle) as well, 800 recipients
// at a time as the queue asks with its defaults.
func BenchmarkAcceptAndUnbundle(b *testing.B) { benchAcceptStore(b, true) }

func benchAcceptStore(b *testing.B, unbundle bool) {
	s := newStore(b)
	ctx := context.Background()
	addUsers(b, s, "a@example.test")
	ext := make([]string, 99)
	for i := range ext {
		ext[i] = fmt.Sprintf("r%03d@sink.example", i)
	}
	mustGroup(b, s, admin, GroupSpec{ID: str("small"), Name: str("Small"), Notify: boolp(false), External: boolp(true),
		Masters: []string{"a@example.test"}, MailingList: &ListSpec{SendRestriction: str("anyone"), ExternalMembers: &ext}})
	data := []byte("From: x@example.test\r\nSubject: bench\r\n\r\n" + strings.Repeat(strings.Repeat("x", 78)+"\r\n", 50))
	b.ResetTimer()
	for i := 0; i < b.N; i += 20 {
		posts := make([]*Post, 20)
		for j := range posts {
			posts[j] = &Post{List: "small@lists.example.test", Sender: "x@example.test", Data: data, MessageID: fmt.Sprint(i, j)}
		}
		if err := s.AcceptPosts(ctx, posts); err != nil || posts[0].Err != nil {
			b.Fatal(err, posts[0].Err)
		}
		if unbundle {
			unbundleBatch(b, s, len(posts)*100)
		}
	}
}

// unbundleBatch makes the rows of the bundles waiting, as the queue asks:
// up to Concurrency x BatchSize (8 x 100) at a time; want is how many.
func unbundleBatch(b *testing.B, s *Store, want int) {
	made := 0
	for {
		n, err := s.Unbundle(context.Background(), 800)
		if err != nil {
			b.Fatal(err)
		}
		if n == 0 {
			break
		}
		made += n
	}
	if made != want {
		b.Fatalf("%d rows made, want %d", made, want)
	}
}
