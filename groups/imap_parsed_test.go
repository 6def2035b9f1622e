package groups

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// fakeParse stands in for imap.ParseForStore: its records name the
// post's first line, so that a test sees which post each belongs to.
func fakeParse(raw []byte) (envelope, structure []byte) {
	first, _, _ := bytes.Cut(raw, []byte("\r\n"))
	return append([]byte("env:"), first...), append([]byte("bs:"), first...)
}

// The index worker stores what Options.ImapParse makes of each accepted
// post; ArchiveMessage stores it in its own transaction; posts archived
// before records were kept get theirs from the worker (migration 0023
// queues them), though their search text is there. ImapParsedRecords
// gives the records back by UID range or UID list, leaving out posts
// without one; a purge takes them with the posts, and a post archived
// after the purge finds only its own.
func TestImapParsedRecords(t *testing.T) {
	s := parsedStore(t)
	ctx := context.Background()
	alice := user("alice@example.test")
	p1, p2 := parsedPost("one"), parsedPost("two")
	if err := s.AcceptPosts(ctx, []*Post{p1, p2}); err != nil || p1.Err != nil || p2.Err != nil {
		t.Fatal(err, p1.Err, p2.Err)
	}
	u1, u2 := uint32(p1.ArchiveUID), uint32(p2.ArchiveUID)
	records := func(q ImapQuery) string {
		t.Helper()
		recs, err := s.ImapParsedRecords(ctx, alice, "team", q)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, r := range recs {
			fmt.Fprintf(&b, "%d %s %s;", r.UID, r.Envelope, r.Structure)
		}
		return b.String()
	}
	if got := records(ImapQuery{Min: 1}); got != "" {
		t.Fatalf("before indexing: %s", got)
	}
	indexAll(t, s)
	want := fmt.Sprintf("%d env:Subject: one bs:Subject: one;%d env:Subject: two bs:Subject: two;", u1, u2)
	if got := records(ImapQuery{Min: 1}); got != want {
		t.Fatalf("records %s, want %s", got, want)
	}
	uid, err := s.ArchiveMessage(ctx, "team", time.Now(), "", parsedPost("three").Data)
	if err != nil {
		t.Fatal(err)
	}
	u3 := uint32(uid)
	want3 := want + fmt.Sprintf("%d env:Subject: three bs:Subject: three;", u3)
	if got := records(ImapQuery{Min: 1}); got != want3 {
		t.Fatalf("after ArchiveMessage: %s, want %s", got, want3)
	}
	for _, q := range []string{`DELETE FROM imap_parsed`, `INSERT INTO imap_text_todo (mid) SELECT mid FROM messages`} {
		if _, err := s.wdb.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	indexAll(t, s)
	if got := records(ImapQuery{Min: 1}); got != want3 {
		t.Fatalf("backfilled: %s, want %s", got, want3)
	}
	if _, err := s.wdb.Exec(`DELETE FROM imap_parsed WHERE mid = (SELECT mid FROM messages WHERE uid = ?)`, u1); err != nil {
		t.Fatal(err)
	}
	if got, want := records(ImapQuery{Min: u1, Max: u3, UIDs: []uint32{u1, u3}}), fmt.Sprintf("%d env:Subject: three bs:Subject: three;", u3); got != want {
		t.Fatalf("records of %d, %d: %s, want %s", u1, u3, got, want)
	}
	if _, err := s.ImapParsedRecords(ctx, user("carol@example.test"), "team", ImapQuery{Min: 1}); err == nil {
		t.Fatal("an outsider read the records")
	}
	if err := s.Purge(ctx, alice, "team", []string{FeatureMessage}); err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, s, `SELECT COUNT(*) FROM imap_parsed`); n != 0 {
		t.Fatalf("%d records left after the purge", n)
	}
	p4 := parsedPost("four")
	if err := s.AcceptPosts(ctx, []*Post{p4}); err != nil || p4.Err != nil {
		t.Fatal(err, p4.Err)
	}
	indexAll(t, s)
	if got, want := records(ImapQuery{Min: 1}), fmt.Sprintf("%d env:Subject: four bs:Subject: four;", p4.ArchiveUID); got != want {
		t.Fatalf("after the purge: %s, want %s", got, want)
	}
}

// parsedStore is a store with fakeParse, alice and her group team.
func parsedStore(t *testing.T) *Store {
	t.Helper()
	o := testOptions(t)
	o.ImapParse = fakeParse
	s, err := Open(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	addUsers(t, s, "alice@example.test")
	mustGroup(t, s, user("alice@example.test"), GroupSpec{ID: str("team"), Name: str("Team"), Notify: boolp(false)})
	return s
}

func parsedPost(subject string) *Post {
	return &Post{List: "team@lists.example.test", Sender: "alice@example.test",
		Data: []byte("Subject: " + subject + "\r\n\r\nbody\r\n")}
}

// indexAll runs the index worker until nothing is left.
func indexAll(t *testing.T, s *Store) {
	t.Helper()
	for {
		n, err := s.IndexArchive(context.Background(), 2)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
}

// Without Options.ImapParse the worker indexes the text as before and
// stores no records.
func TestImapParsedNone(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	addUsers(t, s, "alice@example.test")
	alice := user("alice@example.test")
	mustGroup(t, s, alice, GroupSpec{ID: str("team"), Name: str("Team"), Notify: boolp(false)})
	p := &Post{List: "team@lists.example.test", Sender: "alice@example.test", Data: []byte("Subject: x\r\n\r\nzebra\r\n")}
	if err := s.AcceptPosts(ctx, []*Post{p}); err != nil || p.Err != nil {
		t.Fatal(err, p.Err)
	}
	if n, err := s.IndexArchive(ctx, 10); err != nil || n != 1 {
		t.Fatalf("indexed %d: %v", n, err)
	}
	if n := countRows(t, s, `SELECT COUNT(*) FROM imap_parsed`) + countRows(t, s, `SELECT COUNT(*) FROM imap_text_todo`); n != 0 {
		t.Fatalf("%d records or posts to index", n)
	}
	if hits, err := s.ImapTextMatches(ctx, alice, "team", "zebra", true); err != nil || len(hits) != 1 {
		t.Fatalf("search %v %v", hits, err)
	}
}

// Group deletion takes the records with the posts.
func TestImapParsedGroupDeleted(t *testing.T) {
	s := parsedStore(t)
	ctx := context.Background()
	if _, err := s.ArchiveMessage(ctx, "team", time.Now(), "", parsedPost("x").Data); err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, s, `SELECT COUNT(*) FROM imap_parsed`); n != 1 {
		t.Fatalf("%d records", n)
	}
	if err := s.DeleteGroup(ctx, user("alice@example.test"), "team"); err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, s, `SELECT COUNT(*) FROM imap_parsed`); n != 0 {
		t.Fatalf("%d records left after the group's deletion", n)
	}
}
