package groups

import (
	"context"
	"slices"
	"testing"
	"time"
)

// Mod-sequences (RFC 7162): an arrival and each real flag change move a
// user's HIGHESTMODSEQ; another user's change does not; a STORE that
// changes nothing takes no new one; UNCHANGEDSINCE refuses messages
// changed after it; CHANGEDSINCE finds exactly the changed messages; a
// purge moves HIGHESTMODSEQ once and is recorded.
func TestImapModSeqs(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	addUsers(t, s, "alice@example.test", "bob@example.test")
	alice, bob := user("alice@example.test"), user("bob@example.test")
	mustGroup(t, s, alice, GroupSpec{ID: str("team"), Name: str("Team"), Notify: boolp(false)})
	if err := s.SetMember(ctx, alice, "team", "bob@example.test", RoleMember); err != nil {
		t.Fatal(err)
	}
	highest := func(a Actor) ImapModSeqs {
		t.Helper()
		m, err := s.ImapModSeqs(ctx, a, "team")
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	if m := highest(alice); m.Highest != 1 || m.Purged != 0 {
		t.Fatalf("empty mailbox: %+v", m)
	}
	for i := 0; i < 5; i++ {
		if _, err := s.ArchiveMessage(ctx, "team", time.Now(), "", []byte("Subject: x\r\n\r\nbody\r\n")); err != nil {
			t.Fatal(err)
		}
	}
	h0 := highest(alice).Highest
	if h0 != 5*ImapArrivalStep || highest(bob).Highest != h0 {
		t.Fatalf("after 5 posts: %d, bob %d", h0, highest(bob).Highest)
	}
	seen := func(flags []string) []string { return append(flags, ImapSeen) }
	res, err := s.ImapStoreFlagsIf(ctx, alice, "team", []uint32{2, 4}, ImapStoreOptions{}, seen)
	if err != nil || len(res.Changed) != 2 || res.ModSeq[2] != res.ModSeq[4] || res.ModSeq[2] <= h0 {
		t.Fatalf("store: %+v %v", res, err)
	}
	h1 := highest(alice).Highest
	if h1 != res.ModSeq[2] || highest(bob).Highest != h0 {
		t.Fatalf("alice %d (want %d), bob %d (want %d)", h1, res.ModSeq[2], highest(bob).Highest, h0)
	}
	// Setting \Seen again changes nothing: no new mod-sequence.
	again, err := s.ImapStoreFlagsIf(ctx, alice, "team", []uint32{2}, ImapStoreOptions{}, seen)
	if err != nil || len(again.Changed) != 0 || again.ModSeq[2] != h1 || highest(alice).Highest != h1 {
		t.Fatalf("no-op store: %+v %v", again, err)
	}
	// UNCHANGEDSINCE h0: message 2 changed after it, 3 did not.
	cond, err := s.ImapStoreFlagsIf(ctx, alice, "team", []uint32{2, 3}, ImapStoreOptions{UnchangedSince: h0, Check: true},
		func(f []string) []string { return append(f, ImapFlagged) })
	if err != nil || !slices.Equal(cond.Modified, []uint32{2}) || !slices.Equal(cond.Changed, []uint32{3}) {
		t.Fatalf("conditional store: %+v %v", cond, err)
	}
	// Clearing every flag keeps the change's mod-sequence.
	clear, err := s.ImapStoreFlagsIf(ctx, alice, "team", []uint32{4}, ImapStoreOptions{}, func([]string) []string { return nil })
	if err != nil || len(clear.Changed) != 1 {
		t.Fatalf("clear: %+v %v", clear, err)
	}
	changed, err := s.ImapChangedSince(ctx, alice, "team", h1)
	if err != nil || !slices.Equal(changed, []uint32{3, 4}) {
		t.Fatalf("changed since %d: %v %v", h1, changed, err)
	}
	if changed, err := s.ImapChangedSince(ctx, bob, "team", h0); err != nil || len(changed) != 0 {
		t.Fatalf("bob changed since: %v %v", changed, err)
	}
	msgs, err := s.ImapMessages(ctx, alice, "team", ImapQuery{Min: 1, UIDs: []uint32{1, 4}})
	if err != nil || len(msgs) != 2 || msgs[0].ModSeq != ImapArrivalStep || msgs[1].ModSeq != clear.ModSeq[4] || len(msgs[1].Flags) != 0 {
		t.Fatalf("messages: %+v %v", msgs, err)
	}
	// A new post is changed since every earlier HIGHESTMODSEQ.
	hBefore := highest(alice).Highest
	uid, err := s.ArchiveMessage(ctx, "team", time.Now(), "", []byte("Subject: y\r\n\r\nbody\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	if changed, _ := s.ImapChangedSince(ctx, alice, "team", hBefore); !slices.Equal(changed, []uint32{uint32(uid)}) {
		t.Fatalf("after a post: %v", changed)
	}
	hPost := highest(alice).Highest
	if err := s.Purge(ctx, alice, "team", []string{FeatureMessage}); err != nil {
		t.Fatal(err)
	}
	m := highest(alice)
	if m.Purged != hPost+1 || m.Highest != m.Purged || highest(bob).Highest != m.Purged {
		t.Fatalf("after purge: %+v (before %d), bob %+v", m, hPost, highest(bob))
	}
	// The flags went with the messages; a later change is above the purge.
	if _, err := s.ArchiveMessage(ctx, "team", time.Now(), "", []byte("Subject: z\r\n\r\nbody\r\n")); err != nil {
		t.Fatal(err)
	}
	if h := highest(alice).Highest; h <= m.Purged {
		t.Fatalf("post after purge: %d, purge %d", h, m.Purged)
	}
}

// Flag changes are told on the change feed, for the user's other sessions.
func TestImapFlagChangeOnFeed(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	addUsers(t, s, "alice@example.test")
	alice := user("alice@example.test")
	mustGroup(t, s, alice, GroupSpec{ID: str("team"), Name: str("Team"), Notify: boolp(false)})
	if _, err := s.ArchiveMessage(ctx, "team", time.Now(), "", []byte("Subject: x\r\n\r\nbody\r\n")); err != nil {
		t.Fatal(err)
	}
	sub := s.Subscribe()
	defer sub.Close()
	res, err := s.ImapStoreFlagsIf(ctx, alice, "team", []uint32{1}, ImapStoreOptions{},
		func(f []string) []string { return append(f, ImapSeen) })
	if err != nil {
		t.Fatal(err)
	}
	timeout := time.After(5 * time.Second)
	for {
		select {
		case c := <-sub.C:
			if c.Kind == ChangeData && c.Feature == ImapFlagsFeature {
				if c.GroupID != "team" || c.User != "alice@example.test" || uint64(c.Ref) != res.ModSeq[1] {
					t.Fatalf("change %+v, modseq %d", c, res.ModSeq[1])
				}
				return
			}
		case <-timeout:
			t.Fatal("no change on the feed")
		}
	}
}
