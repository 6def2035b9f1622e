package crashtest

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

// Fan-out workload: each round posts fanoutPosts posts to team (7
// recipients each, two relay transactions: one per domain) while a relay
// that takes fanoutDelay plus up to fanoutSpread per transaction slows the
// queue down (20 transactions a round, more than the queue runs at once,
// ending one by one), and kills the daemon once the round's posts are
// part-way out.
const (
	fanoutPosts  = 10
	fanoutDelay  = 20 * time.Millisecond
	fanoutSpread = 130 * time.Millisecond
	// queueConcurrency is the queue's default transactions at once
	// (smtp.QueueOptions.Concurrency): at most this many transactions
	// can be in flight at a kill.
	queueConcurrency = 8
)

// TestCrashFanout kills groupd while its queue hands posts to a slow
// relay, each kill in the middle of a fan-out: the round's posts are
// acknowledged (or being posted), some of their recipients are recorded
// as sent and some are still queued. A round whose kill came too early or
// too late is not counted, and the test fails unless points(t) kills
// landed mid-fan-out. After every kill the store is checked as in
// TestCrashPosting; after the last restart every recipient of every
// acknowledged post must have received it, and the duplicates may not
// exceed what the relay had accepted for rows still queued at the kills
// (the transactions in flight, at most queueConcurrency per kill).
func TestCrashFanout(t *testing.T) {
	bin := buildGroupd(t)
	relay := newSpreadSink(t, fanoutDelay, fanoutSpread)
	e := newEnv(t, bin, relay)
	rnd := newRand(t)
	e.start()
	want := setupTeam(t, e)
	perPost := len(want)
	var acked []string
	violations, mid, rounds, inflightRows := 0, 0, 0, 0
	maxRounds := 2*points(t) + 5
	for r := 0; mid < points(t); r++ {
		if r == maxRounds {
			t.Fatalf("only %d of %d rounds killed groupd mid-fan-out; %d needed", mid, r, points(t))
		}
		rounds++
		if r > 0 {
			e.start()
		}
		// Post the round's posts one after the other while the queue
		// delivers; the poster stops at the first error (the kill).
		var (
			wg        sync.WaitGroup
			mu        sync.Mutex
			roundAck  []string
			postErr   error
			posterEnd = make(chan struct{})
		)
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(posterEnd)
			for j := 0; j < fanoutPosts; j++ {
				id := fmt.Sprintf("f%d-%d@crash.test", r, j)
				if err := e.post("alice@example.test", "team@lists.example.test", id, "fan me out"); err != nil {
					mu.Lock()
					postErr = err
					mu.Unlock()
					return
				}
				mu.Lock()
				roundAck = append(roundAck, id)
				mu.Unlock()
			}
		}()
		// Kill once at least target of the round's rows are recorded as
		// sent and some are still queued, after a random jitter.
		target := 1 + rnd.IntN(perPost*(fanoutPosts-1))
		jitter := time.Duration(rnd.IntN(int(fanoutDelay)))
		late := waitPartway(t, e, r, target, posterEnd)
		if late {
			mu.Lock()
			err := postErr
			mu.Unlock()
			if err != nil {
				t.Fatalf("round %d: post failed before the kill: %v\n%s", r, err, e.stderr)
			}
		} else {
			time.Sleep(jitter)
		}
		e.kill()
		wg.Wait()
		acked = append(acked, roundAck...)
		if !relay.settle(30 * time.Second) {
			t.Fatalf("round %d: the relay still has sessions of the killed daemon", r)
		}
		sent, queued := roundStates(t, e, r)
		partway := sent > 0 && queued > 0 && relay.roundCopies(r) > 0
		if partway {
			mid++
		}
		rows, txs := inflight(t, e, relay)
		inflightRows += rows
		if txs > queueConcurrency {
			t.Errorf("round %d: %d transactions in flight at the kill (relay has them, store still queued), more than the queue's %d",
				r, txs, queueConcurrency)
			violations++
		}
		t.Logf("round %d: target %d sent, jitter %v: killed with %d of the round's rows sent, %d queued (%d posts acknowledged), %d rows in %d transactions in flight; mid-fan-out %v",
			r, target, jitter, sent, queued, len(roundAck), rows, txs, partway)
		v := append(checkPosts(t, e, acked, want), e.checkStore()...)
		for _, s := range v {
			t.Errorf("round %d: %s", r, s)
		}
		violations += len(v)
	}
	e.start()
	drained := waitDrained(t, e, 90*time.Second)
	e.kill()
	if !drained {
		t.Errorf("the queue did not drain after the last restart")
		violations++
	}
	if !relay.settle(30 * time.Second) {
		t.Errorf("the relay still has sessions after the last kill")
	}
	due := 0
	for _, id := range acked {
		for _, r := range want {
			if relay.copies(id, r) == 0 {
				t.Errorf("acknowledged post %s never reached %s", id, r)
				violations++
			}
			due++
		}
	}
	deliveries, dups := relay.totals()
	if dups > inflightRows {
		t.Errorf("%d duplicates, more than the %d rows in flight at the kills", dups, inflightRows)
		violations++
	}
	t.Logf("fan-out: %d of %d kills mid-fan-out, %d posts acknowledged, %d recipient copies due, %d deliveries, %d duplicates (bound: %d rows in flight at the kills), %d violations",
		mid, rounds, len(acked), due, deliveries, dups, inflightRows, violations)
}

// roundLike is the LIKE pattern of the Message-IDs of round r's posts.
func roundLike(r int) string { return fmt.Sprintf("f%d-%%", r) }

// roundStateQuery counts the recipients of one round's posts sent, and
// queued (in rows, or in the bundles the queue has not expanded yet).
const roundStateQuery = `SELECT count(*) FILTER (WHERE r.state = 'sent'), count(*) FILTER (WHERE r.state = 'queued') +
	  (SELECT coalesce(sum(b.n), 0) FROM outbound o JOIN outbound_bundles b ON b.oid = o.oid JOIN messages m ON m.mid = o.mid
	   WHERE o.kind = 'post' AND trim(m.message_id, '<>') LIKE ?1)
	FROM outbound o JOIN outbound_rcpts r ON r.oid = o.oid JOIN messages m ON m.mid = o.mid
	WHERE o.kind = 'post' AND trim(m.message_id, '<>') LIKE ?1`

// waitPartway polls the running daemon's store until at least target
// rows of round r's posts are sent while some are still queued (false),
// or the poster has ended and nothing of the round is queued: the kill
// would come too late, or the posts failed (true).
func waitPartway(t *testing.T, e *env, r, target int, posterEnd <-chan struct{}) bool {
	t.Helper()
	db := e.db()
	defer db.Close()
	for deadline := time.Now().Add(90 * time.Second); ; time.Sleep(2 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("round %d: fewer than %d rows sent after 90 s\n%s", r, target, e.stderr)
		}
		var sent, queued int
		if err := db.QueryRow(roundStateQuery, roundLike(r)).Scan(&sent, &queued); err != nil {
			continue
		}
		if sent >= target && queued > 0 {
			return false
		}
		select {
		case <-posterEnd:
			if queued == 0 { // all out, or nothing posted (the caller reports the error)
				return true
			}
		default:
		}
	}
}

// roundStates counts the rows of round r's posts sent and queued (the
// daemon is down).
func roundStates(t *testing.T, e *env, r int) (sent, queued int) {
	db := e.db()
	defer db.Close()
	if err := db.QueryRow(roundStateQuery, roundLike(r)).Scan(&sent, &queued); err != nil {
		t.Fatalf("round %d: %v", r, err)
	}
	return sent, queued
}

// inflight counts the queue rows still queued after a kill that the relay
// has nevertheless received (the restart sends them again), and the
// transactions (message and recipient domain) they belong to.
func inflight(t *testing.T, e *env, relay *sink) (rows, txs int) {
	t.Helper()
	db := e.db()
	defer db.Close()
	res, err := db.Query(`SELECT trim(m.message_id, '<>'), lower(r.rcpt) FROM outbound o
		JOIN outbound_rcpts r ON r.oid = o.oid JOIN messages m ON m.mid = o.mid
		WHERE o.kind = 'post' AND r.state = 'queued'`)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Close()
	tx := map[string]bool{}
	for res.Next() {
		var id, rcpt string
		if err := res.Scan(&id, &rcpt); err != nil {
			t.Fatal(err)
		}
		if relay.copies(id, rcpt) > 0 {
			rows++
			tx[id+" "+domainOf(rcpt)] = true
		}
	}
	if err := res.Err(); err != nil {
		t.Fatal(err)
	}
	return rows, len(tx)
}

func domainOf(addr string) string {
	for i := len(addr) - 1; i >= 0; i-- {
		if addr[i] == '@' {
			return addr[i+1:]
		}
	}
	return ""
}

// waitDrained waits until no recipient is queued (in a row or a bundle)
// or failed in the running daemon's queue.
func waitDrained(t *testing.T, e *env, limit time.Duration) bool {
	t.Helper()
	db := e.db()
	defer db.Close()
	for deadline := time.Now().Add(limit); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		var queued, failed int
		if err := db.QueryRow(`SELECT count(*) FILTER (WHERE state = 'queued') + (SELECT count(*) FROM outbound_bundles),
			count(*) FILTER (WHERE state = 'failed') FROM outbound_rcpts`).Scan(&queued, &failed); err != nil {
			continue
		}
		if failed > 0 {
			t.Errorf("%d recipients failed at a relay that accepts everything", failed)
			return false
		}
		if queued == 0 {
			return true
		}
	}
	return false
}
