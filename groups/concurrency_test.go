package groups

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"testing"
	"time"

	"groupd/internal/testdb"
)

// twoStores opens two stores on one fresh database: on PostgreSQL, two
// nodes of a cluster; on SQLite, two processes on one file. Each has its
// own connections, so only the database itself can keep their writes
// apart.
func twoStores(t *testing.T) (*Store, *Store) {
	t.Helper()
	db := testdb.New(t)
	var out [2]*Store
	for i := range out {
		s, err := Open(dbOptions(db))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		out[i] = s
	}
	return out[0], out[1]
}

// race runs a on one store and b on the other at the same moment and
// returns their errors.
func race(a, b func() error) (errA, errB error) {
	var wg sync.WaitGroup
	start := make(chan struct{})
	wg.Add(2)
	go func() { defer wg.Done(); <-start; errA = a() }()
	go func() { defer wg.Done(); <-start; errB = b() }()
	close(start)
	wg.Wait()
	return errA, errB
}

// oneWins checks that exactly one of two racers succeeded and the other
// got loser.
func oneWins(t *testing.T, i int, errA, errB, loser error) {
	t.Helper()
	ok := (errA == nil && errors.Is(errB, loser)) || (errB == nil && errors.Is(errA, loser))
	if !ok {
		t.Fatalf("round %d: errors %v and %v, want one nil and one %v", i, errA, errB, loser)
	}
}

const raceRounds = 100

// TestRaceLastMaster: two stores each remove one of a group's two
// masters at once. One wins; the other is refused (the last master stays,
// 409), and the group is never left without a master.
func TestRaceLastMaster(t *testing.T) {
	a, b := twoStores(t)
	ctx := context.Background()
	addUsers(t, a, "alice@example.test", "bob@example.test")
	for i := range raceRounds {
		id := fmt.Sprintf("m%d", i)
		mustGroup(t, a, user("alice@example.test"), GroupSpec{ID: str(id), Name: str(id),
			Masters: []string{"alice@example.test", "bob@example.test"}})
		errA, errB := race(
			func() error { return a.RemoveMember(ctx, admin, id, "alice@example.test") },
			func() error { return b.RemoveMember(ctx, admin, id, "bob@example.test") })
		oneWins(t, i, errA, errB, ErrConflict)
		g, err := b.GetGroup(ctx, admin, id)
		if err != nil || len(g.Masters) != 1 {
			t.Fatalf("round %d: masters %v (%v), want one", i, g.Masters, err)
		}
	}
}

// TestRaceQuota: two stores each take the last of a folder's quota at
// once (room for one entry). One wins; the other is refused (507's
// ErrTooLarge), and the folder never holds more than its quota.
func TestRaceQuota(t *testing.T) {
	a, b := twoStores(t)
	ctx := context.Background()
	addUsers(t, a, "alice@example.test")
	for i := range raceRounds {
		id := fmt.Sprintf("q%d", i)
		mustGroup(t, a, user("alice@example.test"), GroupSpec{ID: str(id), Name: str(id)})
		if err := a.SetFolderQuota(ctx, admin, id, FolderEntryBytes); err != nil {
			t.Fatal(err)
		}
		fa, err := a.OpenFolder(ctx, user("alice@example.test"), id, 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		fb, err := b.OpenFolder(ctx, user("alice@example.test"), id, 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		errA, errB := race(func() error { return fa.Mkdir(ctx, "a") }, func() error { return fb.Mkdir(ctx, "b") })
		oneWins(t, i, errA, errB, ErrTooLarge)
		used, quota, err := fb.Usage(ctx)
		if err != nil || used > quota {
			t.Fatalf("round %d: %d bytes used of %d (%v)", i, used, quota, err)
		}
	}
}

// TestRaceGroupID: two stores create a group with the same id at once.
// One wins; the other is told the id is taken (409).
func TestRaceGroupID(t *testing.T) {
	a, b := twoStores(t)
	ctx := context.Background()
	addUsers(t, a, "alice@example.test")
	alice := user("alice@example.test")
	for i := range raceRounds {
		id := fmt.Sprintf("g%d", i)
		errA, errB := race(
			func() error { _, err := a.CreateGroup(ctx, alice, GroupSpec{ID: str(id), Name: str("A")}); return err },
			func() error { _, err := b.CreateGroup(ctx, alice, GroupSpec{ID: str(id), Name: str("B")}); return err })
		oneWins(t, i, errA, errB, ErrConflict)
	}
}

// TestRaceLock: two stores take an exclusive WebDAV lock on one path at
// once. One gets it; the other finds it locked (423).
func TestRaceLock(t *testing.T) {
	a, b := twoStores(t)
	ctx := context.Background()
	addUsers(t, a, "alice@example.test")
	mustGroup(t, a, user("alice@example.test"), GroupSpec{ID: str("team"), Name: str("Team")})
	fa, err := a.OpenFolder(ctx, user("alice@example.test"), "team", 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	fb, err := b.OpenFolder(ctx, user("alice@example.test"), "team", 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	for i := range raceRounds {
		l := Lock{Path: fmt.Sprintf("f%d.txt", i), Timeout: time.Minute}
		errA, errB := race(
			func() error { _, _, err := fa.CreateLock(ctx, l); return err },
			func() error { _, _, err := fb.CreateLock(ctx, l); return err })
		oneWins(t, i, errA, errB, ErrConflict)
	}
}

// TestRaceIfMatch: two stores replace one calendar object at once, both
// with the ETag they read. One wins; the other fails its If-Match (412).
func TestRaceIfMatch(t *testing.T) {
	a, b := twoStores(t)
	ctx := context.Background()
	addUsers(t, a, "alice@example.test")
	mustGroup(t, a, user("alice@example.test"), GroupSpec{ID: str("team"), Name: str("Team")})
	cal := func(s *Store) *Calendar {
		c, err := s.Calendar(ctx, user("alice@example.test"), "team", FeatureEvent)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	ca, cb := cal(a), cal(b)
	put := func(c *Calendar, ifMatch, text string) (*CalObject, error) {
		o, _, err := c.Put(ctx, CalPut{Name: "e.ics", UID: "e1", Data: text, First: math.MinInt64, Last: math.MaxInt64, IfMatch: ifMatch})
		return o, err
	}
	o, err := put(ca, "", "v0")
	if err != nil {
		t.Fatal(err)
	}
	for i := range raceRounds {
		etag := o.ETag
		var oa, ob *CalObject
		errA, errB := race(
			func() (err error) { oa, err = put(ca, etag, fmt.Sprintf("a%d", i)); return err },
			func() (err error) { ob, err = put(cb, etag, fmt.Sprintf("b%d", i)); return err })
		oneWins(t, i, errA, errB, ErrConflict)
		if o = oa; errA != nil {
			o = ob
		}
	}
}

// TestRaceUIDs: two stores archive posts to one group at once. Every post
// gets its own IMAP UID, and the UIDs run 1, 2, 3… without a gap.
func TestRaceUIDs(t *testing.T) {
	a, b := twoStores(t)
	ctx := context.Background()
	addUsers(t, a, "alice@example.test")
	mustGroup(t, a, user("alice@example.test"), GroupSpec{ID: str("team"), Name: str("Team")})
	seen := map[int64]bool{}
	msg := []byte("Subject: x\r\n\r\nx\r\n")
	for i := range raceRounds {
		var ua, ub int64
		errA, errB := race(
			func() (err error) {
				ua, err = a.ArchiveMessage(ctx, "team", time.Now(), fmt.Sprintf("<a%d@x>", i), msg)
				return err
			},
			func() (err error) {
				ub, err = b.ArchiveMessage(ctx, "team", time.Now(), fmt.Sprintf("<b%d@x>", i), msg)
				return err
			})
		if errA != nil || errB != nil || ua == ub || seen[ua] || seen[ub] {
			t.Fatalf("round %d: UIDs %d %d (%v %v), seen before: %v %v", i, ua, ub, errA, errB, seen[ua], seen[ub])
		}
		seen[ua], seen[ub] = true, true
	}
	for uid := int64(1); uid <= 2*raceRounds; uid++ {
		if !seen[uid] {
			t.Fatalf("UID %d was never given", uid)
		}
	}
}

// TestRaceFlags: two stores add different flags to one message for one
// user at once (+FLAGS is a read, a merge and a write). Neither is lost.
func TestRaceFlags(t *testing.T) {
	a, b := twoStores(t)
	ctx := context.Background()
	addUsers(t, a, "alice@example.test")
	alice := user("alice@example.test")
	mustGroup(t, a, alice, GroupSpec{ID: str("team"), Name: str("Team")})
	for i := range raceRounds {
		if _, err := a.ArchiveMessage(ctx, "team", time.Now(), fmt.Sprintf("<m%d@x>", i), []byte("Subject: x\r\n\r\nx\r\n")); err != nil {
			t.Fatal(err)
		}
	}
	for i := range raceRounds {
		uid := []uint32{uint32(i + 1)}
		errA, errB := race(
			func() error {
				_, err := a.ImapStoreFlags(ctx, alice, "team", uid, addFlags(`\Seen`, "ka"))
				return err
			},
			func() error {
				_, err := b.ImapStoreFlags(ctx, alice, "team", uid, addFlags(`\Flagged`, "kb"))
				return err
			})
		if errA != nil || errB != nil {
			t.Fatalf("round %d: %v %v", i, errA, errB)
		}
		got, err := a.ImapStoreFlags(ctx, alice, "team", uid, addFlags())
		if err != nil || len(got[uid[0]]) != 4 {
			t.Fatalf("round %d: flags %v (%v), want \\Seen \\Flagged ka kb", i, got[uid[0]], err)
		}
	}
}
