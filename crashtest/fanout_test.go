package crashtest

import (
	"fmt"
	"testing"
	"time"
)

// TestCrashFanout kills groupd at random points while its queue hands
// posts to a slow relay: after the last restart every recipient of every
// acknowledged post must have received it (at least once: a copy that was
// in flight at the kill may come twice) and no recipient may be failed.
func TestCrashFanout(t *testing.T) {
	bin := buildGroupd(t)
	relay := newSink(t, 50*time.Millisecond)
	e := newEnv(t, bin, relay)
	rnd := newRand(t)
	e.start()
	want := setupTeam(t, e)
	var acked []string
	violations, midway := 0, 0
	for p := 0; p < points(t); p++ {
		if p > 0 {
			e.start()
		}
		for j := 0; j < 5; j++ {
			id := fmt.Sprintf("f%d-%d@crash.test", p, j)
			if err := e.post("alice@example.test", "team@lists.example.test", id, "fan me out"); err != nil {
				t.Fatalf("post %s: %v", id, err)
			}
			acked = append(acked, id)
		}
		time.Sleep(time.Duration(rnd.IntN(250)) * time.Millisecond)
		e.kill()
		if queuedNow(t, e) > 0 {
			midway++
		}
		v := append(checkPosts(t, e, acked, want), e.checkStore()...)
		for _, s := range v {
			t.Errorf("kill point %d: %s", p, s)
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
	copies, dups := 0, 0
	for _, id := range acked {
		for _, r := range want {
			switch n := relay.copies(id, r); {
			case n == 0:
				t.Errorf("acknowledged post %s never reached %s", id, r)
				violations++
			case n > 1:
				dups += n - 1
			}
			copies++
		}
	}
	t.Logf("fan-out: %d kill points (%d with the queue part-way), %d posts, %d recipient copies due, %d duplicates, %d violations",
		points(t), midway, len(acked), copies, dups, violations)
}

// waitDrained waits until no recipient is queued or failed in the
// running daemon's queue.
func waitDrained(t *testing.T, e *env, limit time.Duration) bool {
	t.Helper()
	db := e.db()
	defer db.Close()
	for deadline := time.Now().Add(limit); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		var queued, failed int
		if err := db.QueryRow(`SELECT count(*) FILTER (WHERE state = 'queued'), count(*) FILTER (WHERE state = 'failed')
			FROM outbound_rcpts`).Scan(&queued, &failed); err != nil {
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

// queuedNow counts the recipients still queued (the daemon is down).
func queuedNow(t *testing.T, e *env) int {
	db := e.db()
	defer db.Close()
	var n int
	db.QueryRow(`SELECT count(*) FROM outbound_rcpts WHERE state = 'queued'`).Scan(&n)
	return n
}
