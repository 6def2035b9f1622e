package smtp

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"

	"groupd/groups"
)

// clock is a test clock the queue reads: real time plus an offset that
// tests move on to reach retries. (A frozen clock would leave mail queued
// a second later not yet due.)
type clock struct {
	mu  sync.Mutex
	off time.Duration
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return time.Now().Add(c.off) }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.off += d
	c.mu.Unlock()
}

// TestRetryTemporaryFailure: a 451 at RCPT is retried after the back-off
// (persisted), and the others are not sent twice.
func TestRetryTemporaryFailure(t *testing.T) {
	w := newWorld(t, nil, nil)
	var refusals atomic.Int32
	w.relay.setRcpt(func(to string) error {
		if to == partner && refusals.Add(1) <= 2 {
			return &gosmtp.SMTPError{Code: 451, EnhancedCode: gosmtp.EnhancedCode{4, 3, 0}, Message: "try later"}
		}
		return nil
	})
	clk := &clock{}
	w.startQueue(t, func(o *QueueOptions) { o.Now = clk.now })
	if err := send(t, w.addr, bob, []string{teamList}, post(bob, "retry", "x")); err != nil {
		t.Fatal(err)
	}
	w.relay.waitRcpts(t, 2)
	w.relay.quiet(t, 150*time.Millisecond, 2) // not before the back-off
	clk.add(61 * time.Second)                 // first back-off: 1 minute
	for deadline := time.Now().Add(10 * time.Second); refusals.Load() < 2; {
		if time.Now().After(deadline) {
			t.Fatalf("partner tried %d times after 1 minute, want 2", refusals.Load())
		}
		time.Sleep(10 * time.Millisecond)
	}
	w.relay.quiet(t, 0, 2)
	clk.add(5*time.Minute + time.Second) // second back-off: 5 minutes
	got := w.relay.waitRcpts(t, 3)
	if len(got[partner]) != 1 || len(got[alice]) != 1 || len(got[bob]) != 1 {
		t.Fatalf("copies: %v", got)
	}
}

// TestGiveUpAfterDays: a temporary failure past GiveUp becomes
// permanent, and the masters are told.
func TestGiveUpAfterDays(t *testing.T) {
	w := newWorld(t, nil, nil)
	w.relay.setRcpt(func(to string) error {
		if to == partner {
			return &gosmtp.SMTPError{Code: 450, EnhancedCode: gosmtp.EnhancedCode{4, 2, 1}, Message: "mailbox busy"}
		}
		return nil
	})
	clk := &clock{}
	w.startQueue(t, func(o *QueueOptions) { o.Now = clk.now; o.GiveUp = 10 * time.Minute })
	send(t, w.addr, bob, []string{teamList}, post(bob, "give up", "x"))
	w.relay.waitRcpts(t, 2)
	for i := 0; i < 4; i++ {
		clk.add(6 * time.Minute)
		time.Sleep(100 * time.Millisecond)
	}
	got := w.relay.waitRcpts(t, 3)
	if len(got[alice]) != 2 || !strings.Contains(string(got[alice][1]), partner) {
		t.Fatalf("alice did not get a failure report: %q", got[alice])
	}
}

// TestPermanentFailureReported: a 5xx at RCPT is recorded and reported to
// the masters (only), and the post is not retried.
func TestPermanentFailureReported(t *testing.T) {
	w := newWorld(t, nil, nil)
	w.relay.setRcpt(func(to string) error {
		if to == partner {
			return &gosmtp.SMTPError{Code: 550, EnhancedCode: gosmtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
		}
		return nil
	})
	w.startQueue(t, nil)
	send(t, w.addr, bob, []string{teamList}, post(bob, "unlucky post", "x"))
	got := w.relay.waitRcpts(t, 3)
	if len(got[alice]) != 2 || len(got[bob]) != 1 {
		t.Fatalf("alice %d, bob %d messages", len(got[alice]), len(got[bob]))
	}
	// The post and the report go out in separate transactions, in
	// either order.
	report := string(got[alice][1])
	if !strings.Contains(report, "Undeliverable") {
		report = string(got[alice][0])
	}
	for _, want := range []string{partner, "5.1.1", "unlucky post", "Undeliverable"} {
		if !strings.Contains(report, want) {
			t.Fatalf("report lacks %q:\n%s", want, report)
		}
	}
	hard, _, _ := w.st.BounceState(context.Background(), "team", partner)
	if hard != 1 {
		t.Fatalf("hard bounces %d, want 1", hard)
	}
	w.relay.quiet(t, 150*time.Millisecond, 3)
}

// TestBatchesByDomain: 150 members in one domain and 3 in another go out
// in transactions of at most 100 recipients of one domain.
func TestBatchesByDomain(t *testing.T) {
	st := newStore(t)
	var members []string
	for i := 0; i < 150; i++ {
		members = append(members, fmt.Sprintf("m%03d@example.test", i))
	}
	addUsers(t, st, members...)
	addGroup(t, st, "big", members[:1], members, &groups.ListSpec{SendRestriction: ptr("anyone"),
		ExternalMembers: &[]string{"a@one.example", "b@one.example", "c@two.example"}})
	w := &world{st: st, relay: startRelay(t)}
	w.addr = startServer(t, st, nil)
	w.startQueue(t, nil)
	if err := send(t, w.addr, stranger, []string{"big@" + listDomain}, "From: "+stranger+"\r\nSubject: big\r\n\r\nx\r\n"); err != nil {
		t.Fatal(err)
	}
	got := w.relay.waitRcpts(t, 153)
	if len(got) != 153 {
		t.Fatalf("%d distinct recipients, want 153", len(got))
	}
	for _, e := range w.relay.envelopes() {
		if len(e.Rcpts) > 100 {
			t.Fatalf("a transaction with %d recipients", len(e.Rcpts))
		}
		for _, r := range e.Rcpts {
			if domain(r) != domain(e.Rcpts[0]) {
				t.Fatalf("a transaction mixes domains: %v", e.Rcpts)
			}
		}
	}
	if n := len(w.relay.envelopes()); n > 5 {
		t.Fatalf("%d transactions for 3 domains, want at most 5", n)
	}
}

// TestQueueResumes: mail queued while no queue runs (or while the relay
// is down) goes out once a queue runs and the relay answers.
func TestQueueResumes(t *testing.T) {
	w := newWorld(t, nil, nil)
	send(t, w.addr, bob, []string{teamList}, post(bob, "while down", "x"))
	w.relay.quiet(t, 100*time.Millisecond, 0)
	w.startQueue(t, nil)
	w.relay.waitRcpts(t, 3)
}

// TestRelayDown: an unreachable relay is a temporary failure.
func TestRelayDown(t *testing.T) {
	w := newWorld(t, nil, nil)
	clk := &clock{}
	good := w.relay.addr
	w.relay.addr = "127.0.0.1:1"
	retried := make(chan int, 100)
	stop := w.startQueue(t, func(o *QueueOptions) {
		o.Now = clk.now
		o.OnDelivery = func(_, retry, _ int) { retried <- retry }
	})
	send(t, w.addr, bob, []string{teamList}, post(bob, "relay down", "x"))
	// Every recipient (two domains, so two batches) was tried and put
	// back for later.
	for n := 0; n < 3; {
		select {
		case r := <-retried:
			n += r
		case <-time.After(10 * time.Second):
			t.Fatalf("%d of 3 recipients were tried", n)
		}
	}
	stop()
	w.relay.addr = good
	w.startQueue(t, func(o *QueueOptions) { o.Now = clk.now })
	w.relay.quiet(t, 100*time.Millisecond, 0) // the back-off holds
	clk.add(2 * time.Minute)
	w.relay.waitRcpts(t, 3)
}

// TestListRateLimit: with ListRate 2, the third post of a list in an hour
// waits in the queue until the hour has room; another list is not held.
func TestListRateLimit(t *testing.T) {
	w := newWorld(t, nil, nil)
	addGroup(t, w.st, "other", []string{alice}, nil, &groups.ListSpec{ExternalMembers: &[]string{}})
	clk := &clock{}
	for i := 0; i < 3; i++ {
		send(t, w.addr, bob, []string{teamList}, post(bob, fmt.Sprintf("post %d", i), "x"))
	}
	send(t, w.addr, alice, []string{"other@" + listDomain}, post(alice, "other list", "x"))
	w.startQueue(t, func(o *QueueOptions) { o.Now = clk.now; o.ListRate = 2 })
	w.relay.waitRcpts(t, 7)
	w.relay.quiet(t, 150*time.Millisecond, 7) // 2 posts x 3 + the other list's 1
	clk.add(61 * time.Minute)
	got := w.relay.waitRcpts(t, 10)
	if len(got[partner]) != 3 {
		t.Fatalf("partner got %d posts, want 3", len(got[partner]))
	}
}

// TestRelayDroppedConnection: when the relay has closed the connection a
// worker kept, the next post goes out at once on a new one (no back-off).
func TestRelayDroppedConnection(t *testing.T) {
	w := newWorld(t, nil, nil)
	clk := &clock{}
	w.startQueue(t, func(o *QueueOptions) { o.Now = clk.now; o.Concurrency = 1 })
	send(t, w.addr, bob, []string{teamList}, post(bob, "one", "x"))
	w.relay.waitRcpts(t, 3)
	w.relay.dropConns()
	send(t, w.addr, bob, []string{teamList}, post(bob, "two", "x"))
	w.relay.waitRcpts(t, 6)
}

// TestSenderRejectedIsNoBounce: a 5xx to MAIL FROM fails the post for
// good (reported to the masters) but is not a bounce of any recipient.
func TestSenderRejectedIsNoBounce(t *testing.T) {
	w := newWorld(t, nil, nil)
	w.relay.mu.Lock()
	w.relay.mail = func(from string) error {
		if strings.Contains(from, "-bounces+") {
			return &gosmtp.SMTPError{Code: 550, EnhancedCode: gosmtp.EnhancedCode{5, 1, 8}, Message: "bad sender domain"}
		}
		return nil
	}
	w.relay.mu.Unlock()
	w.startQueue(t, nil)
	send(t, w.addr, bob, []string{teamList}, post(bob, "sender refused", "x"))
	// Reports go to alice (from the no-reply address). Batches that finish
	// in the same store transaction share one report, so there are one or
	// two; together they name every recipient with the relay's answer.
	deadline := time.Now().Add(10 * time.Second)
	for {
		reports := string(bytes.Join(w.relay.received()[alice], nil))
		if strings.Contains(reports, "5.1.8") && strings.Contains(reports, partner) && strings.Contains(reports, bob) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("failure reports do not name every recipient with 5.1.8:\n%s", reports)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if got := w.relay.received(); len(got) != 1 {
		t.Fatalf("relay got mail for %v, want only the master's reports", keys(got))
	}
	if hard, _, _ := w.st.BounceState(context.Background(), "team", partner); hard != 0 {
		t.Fatalf("a rejected sender counted as %d bounces of %s", hard, partner)
	}
}
