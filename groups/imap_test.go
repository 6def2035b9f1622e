package groups

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// UIDs never go back, even after the archive is purged.
func TestImapUIDsSurvivePurge(t *testing.T) {
	s := newStore(t)
	addUsers(t, s, "alice@example.test")
	alice := user("alice@example.test")
	mustGroup(t, s, alice, GroupSpec{ID: str("team"), Name: str("Team")})
	ctx := context.Background()
	var last int64
	for i := 0; i < 3; i++ {
		uid, err := s.ArchiveMessage(ctx, "team", time.Now(), "", []byte("Subject: x\r\n\r\nbody\r\n"))
		if err != nil || uid != last+1 {
			t.Fatalf("uid %d after %d: %v", uid, last, err)
		}
		last = uid
	}
	if err := s.Purge(ctx, alice, "team", []string{FeatureMessage}); err != nil {
		t.Fatal(err)
	}
	uid, err := s.ArchiveMessage(ctx, "team", time.Now(), "", []byte("Subject: y\r\n\r\nbody\r\n"))
	if err != nil || uid != last+1 {
		t.Fatalf("after purge uid %d, want %d (%v)", uid, last+1, err)
	}
	mb, err := s.ImapOpen(ctx, alice, "team")
	if err != nil || mb.Messages != 1 || mb.UIDNext != uint32(last+2) {
		t.Fatalf("mailbox %+v %v", mb, err)
	}
	hits, err := s.ImapTextMatches(ctx, alice, "team", "BODY", true)
	if err != nil || len(hits) != 1 || !hits[uint32(uid)] {
		t.Fatalf("text matches %v %v", hits, err)
	}
}

// A post is searchable right after it is accepted, before the idle
// indexer ran, and after it; the indexer empties its list, also of posts
// a search indexed meanwhile, and a purge takes its posts off the list.
func TestImapSearchFindsPostsBeforeAndAfterIndexing(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	addUsers(t, s, "alice@example.test")
	alice := user("alice@example.test")
	mustGroup(t, s, alice, GroupSpec{ID: str("team"), Name: str("Team"), Notify: boolp(false)})
	mustGroup(t, s, alice, GroupSpec{ID: str("gone"), Name: str("Gone"), Notify: boolp(false)})
	post := func(list, body string) *Post {
		return &Post{List: list + "@lists.example.test", Sender: "alice@example.test",
			Data: []byte("Subject: s\r\n\r\n" + body + "\r\n")}
	}
	p1, p2, p3 := post("team", "first Zebra"), post("gone", "purged"), post("team", "second zebra")
	if err := s.AcceptPosts(ctx, []*Post{p1, p2}); err != nil || p1.Err != nil || p2.Err != nil {
		t.Fatal(err, p1.Err, p2.Err)
	}
	hits, err := s.ImapTextMatches(ctx, alice, "team", "zebra", true)
	if err != nil || len(hits) != 1 || !hits[uint32(p1.ArchiveUID)] {
		t.Fatalf("before indexing: %v %v", hits, err)
	}
	if err := s.Purge(ctx, alice, "gone", []string{FeatureMessage}); err != nil {
		t.Fatal(err)
	}
	if err := s.AcceptPosts(ctx, []*Post{p3}); err != nil || p3.Err != nil {
		t.Fatal(err, p3.Err)
	}
	// Left: p1 (a search indexed it) and p3; the purged post went.
	for i, want := range []int{1, 1, 0} {
		if n, err := s.IndexArchive(ctx, 1); err != nil || n != want {
			t.Fatalf("call %d took %d, want %d: %v", i, n, want, err)
		}
	}
	if n := countRows(t, s, `SELECT COUNT(*) FROM imap_text_todo`); n != 0 {
		t.Fatalf("%d posts still to index", n)
	}
	hits, err = s.ImapTextMatches(ctx, alice, "team", "ZEBRA", true)
	if err != nil || len(hits) != 2 || !hits[uint32(p3.ArchiveUID)] {
		t.Fatalf("after indexing: %v %v", hits, err)
	}
}

// One IndexArchive call takes a batch of posts at once (a few statements
// for all of them): posts of two groups, one a search indexed already,
// one purged after it was archived; every one leaves the list, each
// remaining post is found by its own word, and nothing is indexed twice.
func TestIndexArchiveBatch(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	addUsers(t, s, "alice@example.test")
	alice := user("alice@example.test")
	for _, id := range []string{"team", "other", "gone"} {
		mustGroup(t, s, alice, GroupSpec{ID: str(id), Name: str(id), Notify: boolp(false)})
	}
	var posts []*Post
	for i, list := range []string{"team", "other", "gone", "team", "other", "team", "team"} {
		posts = append(posts, &Post{List: list + "@lists.example.test", Sender: "alice@example.test",
			Data: []byte(fmt.Sprintf("Subject: s\r\n\r\nword%d\r\n", i))})
	}
	if err := s.AcceptPosts(ctx, posts[:4]); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImapTextMatches(ctx, alice, "team", "word0", true); err != nil { // indexes team's so far
		t.Fatal(err)
	}
	if err := s.AcceptPosts(ctx, posts[4:]); err != nil {
		t.Fatal(err)
	}
	if err := s.Purge(ctx, alice, "gone", []string{FeatureMessage}); err != nil {
		t.Fatal(err)
	}
	todo := countRows(t, s, `SELECT COUNT(*) FROM imap_text_todo`)
	if n, err := s.IndexArchive(ctx, 100); err != nil || n != todo || n < 4 {
		t.Fatalf("IndexArchive took %d of %d: %v", n, todo, err)
	}
	if n := countRows(t, s, `SELECT COUNT(*) FROM imap_text_todo`); n != 0 {
		t.Fatalf("%d posts still to index", n)
	}
	if n := countRows(t, s, `SELECT COUNT(*) FROM imap_text`); n != 6 {
		t.Fatalf("%d search texts, want 6 (7 posts, 1 purged)", n)
	}
	for i, p := range posts {
		if p.Err != nil {
			t.Fatal(p.Err)
		}
		list := strings.TrimSuffix(p.List, "@lists.example.test")
		if list == "gone" {
			continue
		}
		hits, err := s.ImapTextMatches(ctx, alice, list, fmt.Sprintf("word%d", i), true)
		if err != nil || len(hits) != 1 || !hits[uint32(p.ArchiveUID)] {
			t.Fatalf("word%d in %s: %v %v", i, list, hits, err)
		}
	}
}
