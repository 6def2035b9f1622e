package cluster

import (
	"strings"
	"testing"
	"time"
)

// relayConcurrency is mail.relay_concurrency (the default): how many
// batches of up to 100 recipients a node has in flight at most (the
// list's external addresses each in an SMTP transaction of its own
// within its batch, for their unsubscribe links).
const relayConcurrency = 8

// TestClusterKillMidFanOut: node A is killed with SIGKILL in the middle
// of a 2,000-address fan-out. Node B sends the rows A had claimed once
// their lease has passed: no recipient is lost, and only recipients of
// batches A had in flight (their outcome not yet recorded) get a second
// copy (from B).
func TestClusterKillMidFanOut(t *testing.T) {
	r := startRelay(t, 50*time.Millisecond) // per transaction: one per address here
	c := startCluster(t, r)
	rcpts := bigList(t, c, 2000)
	post(t, c.a(), "kill")
	for deadline := time.Now().Add(60 * time.Second); r.copies() < 300; {
		if time.Now().After(deadline) {
			t.Fatalf("the relay got %d copies in 60 s", r.copies())
		}
		time.Sleep(5 * time.Millisecond)
	}
	openA := r.openRcpts("a.nodes.example.test")
	c.a().Kill()
	killed := time.Now()
	before := r.received()
	var heldA []string // rows node A held, still queued
	rows, err := c.db.SQL(t).Query(c.db.Q(`SELECT rcpt FROM outbound_rcpts WHERE state = 'queued' AND lease > 0 AND node LIKE 'node-a/%'`))
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var rc string
		rows.Scan(&rc)
		heldA = append(heldA, rc)
	}
	rows.Close()
	t.Logf("killed node A with %d of %d recipients at the relay, %d in A's open transactions, %d rows claimed by A", len(before), len(rcpts), openA, len(heldA))
	if len(heldA) == 0 {
		t.Fatal("node A held no rows when killed: nothing to take over (the relay is too fast)")
	}
	r.waitRecipients(t, len(rcpts), 60*time.Second)
	time.Sleep(lease + time.Second)
	took := time.Since(killed)
	got := r.received()
	checkTakeOver(t, r, got, heldA, killed)
	dups := 0
	for _, rc := range rcpts {
		switch n := len(got[rc]); {
		case n == 0:
			t.Errorf("%s lost", rc)
		case n > 2:
			t.Errorf("%s got %d copies: %v", rc, n, got[rc])
		case n == 2:
			dups++
			if !strings.HasPrefix(got[rc][0], "a.") || !strings.HasPrefix(got[rc][1], "b.") {
				t.Errorf("%s got copies from %v: a duplicate must be A's in flight, then B's", rc, got[rc])
			}
		}
	}
	t.Logf("all %d recipients %v after the kill; %d duplicates (A's transactions open at the relay at the kill: %d recipients)",
		len(rcpts), took.Round(time.Millisecond), dups, openA)
	if dups > relayConcurrency*100 {
		t.Errorf("%d duplicates: more than node A's %d transactions in flight could carry", dups, relayConcurrency)
	}
}

// checkTakeOver: the rows A held reached the relay from B, and not
// before most of the lease had passed after the kill.
func checkTakeOver(t *testing.T, r *relay, got map[string][]string, heldA []string, killed time.Time) {
	t.Helper()
	var firstB time.Time
	for _, rc := range heldA {
		hs := got[rc]
		if len(hs) == 0 || !strings.HasPrefix(hs[len(hs)-1], "b.") {
			t.Errorf("%s, held by A, got copies from %v: want B's", rc, hs)
			continue
		}
		if at := r.arrived(rc); firstB.IsZero() || at.Before(firstB) {
			firstB = at
		}
	}
	if wait := firstB.Sub(killed); wait < lease/2 {
		t.Errorf("node B sent A's rows %v after the kill: before their lease (%v) had passed", wait, lease)
	} else {
		t.Logf("node B took over A's %d rows %v after the kill (lease %v)", len(heldA), wait.Round(time.Millisecond), lease)
	}
}
