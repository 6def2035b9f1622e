package smtp

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"

	"groupd/groups"

	"groupd/internal/testkit"
)

// countingRelay is a relay stand-in that counts how many sessions
// (connections) and transactions (MAIL FROM to the end of DATA or RSET)
// it has open at once, and the most it ever had.
type countingRelay struct {
	addr string

	mu                     sync.Mutex
	sessions, transactions int
	peakSess, peakTx       int
	rcpts                  map[string]int
}

func startCountingRelay(t *testing.T, delay time.Duration) *countingRelay {
	t.Helper()
	r := &countingRelay{rcpts: map[string]int{}}
	r.addr = testkit.ServeRelay(t, func(*gosmtp.Conn) (gosmtp.Session, error) {
		r.mu.Lock()
		r.sessions++
		r.peakSess = max(r.peakSess, r.sessions)
		r.mu.Unlock()
		return &countingSession{r: r, delay: delay}, nil
	})
	return r
}

type countingSession struct {
	r      *countingRelay
	delay  time.Duration
	open   bool // a transaction is open
	rcpts  []string
	closed bool
}

func (s *countingSession) endTx() {
	if s.open {
		s.open = false
		s.r.mu.Lock()
		s.r.transactions--
		s.r.mu.Unlock()
	}
	s.rcpts = nil
}

func (s *countingSession) Reset() { s.endTx() }
func (s *countingSession) Logout() error {
	s.endTx()
	if !s.closed {
		s.closed = true
		s.r.mu.Lock()
		s.r.sessions--
		s.r.mu.Unlock()
	}
	return nil
}
func (s *countingSession) Mail(string, *gosmtp.MailOptions) error {
	s.endTx()
	s.open = true
	s.r.mu.Lock()
	s.r.transactions++
	s.r.peakTx = max(s.r.peakTx, s.r.transactions)
	s.r.mu.Unlock()
	return nil
}
func (s *countingSession) Rcpt(to string, _ *gosmtp.RcptOptions) error {
	s.rcpts = append(s.rcpts, to)
	return nil
}
func (s *countingSession) Data(rd io.Reader) error {
	if _, err := io.Copy(io.Discard, rd); err != nil {
		return err
	}
	time.Sleep(s.delay) // keep the transaction open so that others overlap it
	s.r.mu.Lock()
	for _, rc := range s.rcpts {
		s.r.rcpts[rc]++
	}
	s.r.mu.Unlock()
	s.endTx()
	return nil
}

// delivered returns how many copies each recipient got, and the peaks.
func (r *countingRelay) delivered() (rcpts map[string]int, peakSess, peakTx int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string]int{}
	for k, v := range r.rcpts {
		out[k] = v
	}
	return out, r.peakSess, r.peakTx
}

// TestRelayConcurrencyBounded: with QueueOptions.Concurrency 2, a post to
// a list of 500 external members over 10 domains (small batches, so about
// 50 transactions, each held open a while by the relay) reaches every
// recipient exactly once, and the relay never sees more than 2 sessions
// or 2 transactions at once.
func TestRelayConcurrencyBounded(t *testing.T) {
	st := newStore(t)
	addUsers(t, st, alice, bob)
	var ext []string
	for i := 0; i < 500; i++ {
		ext = append(ext, fmt.Sprintf("member%03d@domain%d.example", i, i%10))
	}
	addGroup(t, st, "team", []string{alice}, []string{bob}, &groups.ListSpec{ExternalMembers: &ext})
	cr := startCountingRelay(t, 20*time.Millisecond)
	w := &world{st: st, relay: &relay{addr: cr.addr}} // startQueue sends to cr
	w.addr = startServer(t, st, nil)
	w.startQueue(t, func(o *QueueOptions) { o.Concurrency = 2; o.BatchSize = 10 })
	if err := send(t, w.addr, bob, []string{teamList}, post(bob, "to many", "x")); err != nil {
		t.Fatal(err)
	}
	want := append([]string{alice, bob}, ext...)
	deadline := time.Now().Add(120 * time.Second)
	for {
		got, _, _ := cr.delivered()
		if len(got) >= len(want) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 120s the relay has %d of %d recipients", len(got), len(want))
		}
		time.Sleep(50 * time.Millisecond)
	}
	got, peakSess, peakTx := cr.delivered()
	for _, rc := range want {
		if got[rc] != 1 {
			t.Errorf("%s got %d copies, want 1", rc, got[rc])
		}
	}
	if len(got) != len(want) {
		t.Errorf("the relay got %d recipients, want %d", len(got), len(want))
	}
	if peakSess > 2 || peakTx > 2 {
		t.Fatalf("the relay saw up to %d sessions and %d transactions at once, want at most 2 (Concurrency)", peakSess, peakTx)
	}
	t.Logf("peak: %d sessions, %d transactions", peakSess, peakTx)
}

// TestDefaultBounceLimitIsFive: with no BounceLimit set (server and
// queue defaults), an external member is still sent posts after 4 hard
// bounces (of 4 posts: a post counts once) and is disabled, the masters
// told, by the 5th.
func TestDefaultBounceLimitIsFive(t *testing.T) {
	w := newWorld(t, nil, nil)
	w.startQueue(t, nil)
	ctx := context.Background()
	for i := 1; i <= 5; i++ {
		if err := send(t, w.addr, bob, []string{teamList}, post(bob, fmt.Sprint("post ", i), "x")); err != nil {
			t.Fatal(err)
		}
		got := w.relay.waitRcpts(t, 3*i)
		if len(got[partner]) != i {
			t.Fatalf("after %d bounces the external member got %d posts, want %d", i-1, len(got[partner]), i)
		}
		w.waitDelivered(t)
		if err := send(t, w.addr, "", []string{lastVerpOf(t, w, partner)}, dsn(partner, "5.1.1")); err != nil {
			t.Fatalf("DSN %d refused: %v", i, err)
		}
		hard, disabled, err := w.st.BounceState(ctx, "team", partner)
		if err != nil || hard != i || disabled != (i == 5) {
			t.Fatalf("after %d hard bounces: hard %d disabled %v (%v)", i, hard, disabled, err)
		}
	}
	got := w.relay.waitRcpts(t, 16) // the notice to alice
	told := false
	for _, m := range got[alice] {
		told = told || strings.Contains(string(m), "disabled after bounces")
	}
	if !told {
		t.Fatal("the masters were not told")
	}
	if err := send(t, w.addr, bob, []string{teamList}, post(bob, "third", "x")); err != nil {
		t.Fatal(err)
	}
	w.relay.waitRcpts(t, 18)
	w.relay.quiet(t, 300*time.Millisecond, 18)
	if n := len(w.relay.received()[partner]); n != 5 {
		t.Fatalf("the disabled external member got %d posts, want still 5", n)
	}
}
