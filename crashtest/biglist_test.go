package crashtest

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestCrashBigListMidDelivery (issue 3): a post to a 2,000-member list, a
// slow relay, kill -9 of groupd in the middle of the fan-out, a restart:
// every recipient gets the post, and only the batches in flight at the
// kill are sent twice (at most the queue's concurrency × 100 recipients).
func TestCrashBigListMidDelivery(t *testing.T) {
	const members, concurrency, batch = 2000, 8, 100
	// Per transaction: each external address's copy goes in one of its
	// own (its unsubscribe link), 100 of them a batch.
	relay := newSink(t, 20*time.Millisecond)
	e := newEnv(t, buildGroupd(t), relay)
	e.start()
	e.mustAPI("POST", "/api/v1/users", "", `{"email":"owner@example.test","name":"Owner","password":"password1"}`, 201)
	ext := make([]string, members-1)
	for i := range ext {
		ext[i] = fmt.Sprintf(`"r%04d@sink.example"`, i)
	}
	e.mustAPI("POST", "/api/v1/groups", "", `{"id":"big","name":"Big","notify":false,"external":true,
		"masters":["owner@example.test"],"mailing_list":{"send_restriction":"anyone",
		"external_members":[`+strings.Join(ext, ",")+`]}}`, 201)
	if err := e.post("owner@example.test", "big@lists.example.test", "big@crash.test", "survive"); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if n, _ := relay.recipients("big@crash.test"); n > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("nothing was delivered:\n%s", e.stderr)
		}
	}
	e.kill()
	before, _ := relay.recipients("big@crash.test")
	if before >= members {
		t.Fatalf("the fan-out finished (%d) before the kill; the relay is not slow enough", before)
	}
	e.start()
	var got, copies int
	for deadline := time.Now().Add(60 * time.Second); got < members; time.Sleep(20 * time.Millisecond) {
		got, copies = relay.recipients("big@crash.test")
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d recipients got the post after the restart", got, members)
		}
	}
	time.Sleep(300 * time.Millisecond) // anything still coming would be a duplicate
	got, copies = relay.recipients("big@crash.test")
	if dups := copies - got; dups > concurrency*batch {
		t.Fatalf("%d duplicates, more than the %d recipients in flight", dups, concurrency*batch)
	}
	t.Logf("big list: killed with %d of %d recipients handed over; after the restart all %d, %d duplicates", before, members, got, copies-got)
}

// recipients is how many distinct recipients received message id, and
// how many copies they received in all.
func (s *sink) recipients(id string) (distinct, copies int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, n := range s.got[id] {
		distinct++
		copies += n
	}
	return distinct, copies
}
