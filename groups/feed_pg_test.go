package groups

import (
	"context"
	"strings"
	"testing"
	"time"

	"groupd/internal/testdb"
)

func pgOnly(t *testing.T) {
	t.Helper()
	if !testdb.Postgres() {
		t.Skip("PostgreSQL only: set " + testdb.Env)
	}
}

// next waits up to d for a change of kind on sub.
func next(t *testing.T, sub *Subscription, kind string, d time.Duration) Change {
	t.Helper()
	deadline := time.After(d)
	for {
		select {
		case c := <-sub.C:
			if c.Kind == kind {
				return c
			}
		case <-deadline:
			t.Fatalf("no %s within %v", kind, d)
		}
	}
}

// TestFeedAcrossNodes: a change committed through one store reaches the
// other's subscribers within a second, and its own subscribers once.
func TestFeedAcrossNodes(t *testing.T) {
	pgOnly(t)
	a, b := twoStores(t)
	subA, subB := a.Subscribe(), b.Subscribe()
	defer subA.Close()
	defer subB.Close()
	addUsers(t, a, "alice@example.test")
	mustGroup(t, a, user("alice@example.test"), GroupSpec{ID: str("team"), Name: str("Team")})
	if c := next(t, subB, ChangeGroupCreated, time.Second); c.GroupID != "team" {
		t.Fatalf("node B got %+v", c)
	}
	next(t, subA, ChangeGroupCreated, time.Second)
	select {
	case c := <-subA.C:
		if c.Kind == ChangeGroupCreated {
			t.Fatalf("node A got its own change twice: %+v", c)
		}
	case <-time.After(300 * time.Millisecond):
	}
}

// TestFeedLoginCacheAcrossNodes: a password changed through one store
// stops the old one at once on the other, which had it cached.
func TestFeedLoginCacheAcrossNodes(t *testing.T) {
	pgOnly(t)
	a, b := twoStores(t)
	ctx := context.Background()
	addUsers(t, a, "alice@example.test")
	if _, err := b.Authenticate(ctx, "alice@example.test", "password1"); err != nil {
		t.Fatal(err)
	}
	sub := b.Subscribe()
	defer sub.Close()
	if _, err := a.UpdateUser(ctx, admin, "alice@example.test", UserSpec{Password: str("another-pass-2")}); err != nil {
		t.Fatal(err)
	}
	next(t, sub, ChangeSessionsEnded, time.Second)
	if _, err := b.Authenticate(ctx, "alice@example.test", "password1"); err == nil {
		t.Fatal("the old password still works on node B")
	}
}

// TestFeedResync: when a node's LISTEN connection drops, it connects
// again and announces ChangeResync; changes flow again after.
func TestFeedResync(t *testing.T) {
	pgOnly(t)
	a, b := twoStores(t)
	sub := b.Subscribe()
	defer sub.Close()
	var n int
	err := a.rdb.QueryRow(`SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = current_database() AND query = 'LISTEN ` + pgFeedChannel + `'`).Scan(&n)
	if err != nil || n != 2 {
		t.Fatalf("terminated %d listeners (%v), want 2", n, err)
	}
	next(t, sub, ChangeResync, 10*time.Second)
	addUsers(t, a, "alice@example.test")
	mustGroup(t, a, user("alice@example.test"), GroupSpec{ID: str("team"), Name: str("Team")})
	next(t, sub, ChangeGroupCreated, time.Second)
}

// TestNoticePayloadsBounded: a transaction's changes, however many, go in
// notifications within PostgreSQL's payload limit, all of them, in order.
func TestNoticePayloadsBounded(t *testing.T) {
	s := &Store{node: newNodeID()}
	var changes []Change
	for i := range 3000 {
		changes = append(changes, Change{Kind: ChangeData, GroupID: strings.Repeat("g", i%64), Feature: FeatureMessage, Ref: int64(i)})
	}
	payloads := s.noticePayloads(changes)
	if len(payloads) < 2 {
		t.Fatalf("%d payloads", len(payloads))
	}
	// Delivered on another node, in order.
	s.node, s.feed, s.auth = "other", newFeed(), newAuthCache()
	sub := s.Subscribe()
	var got int64
	for _, p := range payloads {
		if len(p) >= 8000 {
			t.Fatalf("a payload of %d bytes", len(p))
		}
		s.pgDeliver(p)
		for len(sub.C) > 0 {
			if ch := <-sub.C; ch.Ref != got {
				t.Fatalf("change %d arrived as %d", got, ch.Ref)
			}
			got++
		}
	}
	if got != 3000 {
		t.Fatalf("%d changes delivered, want 3000", got)
	}
}
