package cluster

import (
	"io"
	"sync"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"

	"groupd/internal/testkit"
)

// relay is the smarthost stand-in both nodes send to. It counts each
// recipient's copies and which node (by its EHLO name) sent them, and
// may take delay over each DATA, so that a fan-out lasts long enough to
// kill a node in the middle of it.
type relay struct {
	addr  string
	delay time.Duration
	mu    sync.Mutex
	got   map[string][]string    // recipient -> EHLO names of the copies
	last  map[string]time.Time   // recipient -> when its last copy came
	open  map[*relaySession]bool // transactions between MAIL and the end of DATA
	txns  int
}

func startRelay(t *testing.T, delay time.Duration) *relay {
	r := &relay{delay: delay, got: map[string][]string{}, last: map[string]time.Time{}, open: map[*relaySession]bool{}}
	r.addr = testkit.ServeRelay(t, func(c *gosmtp.Conn) (gosmtp.Session, error) {
		return &relaySession{r: r, helo: c.Hostname()}, nil
	})
	return r
}

type relaySession struct {
	r     *relay
	helo  string
	rcpts []string
}

func (s *relaySession) Reset() { s.end() }
func (s *relaySession) Logout() error {
	s.end()
	return nil
}
func (s *relaySession) Mail(string, *gosmtp.MailOptions) error {
	s.rcpts = nil
	s.r.mu.Lock()
	s.r.open[s] = true
	s.r.mu.Unlock()
	return nil
}

func (s *relaySession) end() {
	s.rcpts = nil
	s.r.mu.Lock()
	delete(s.r.open, s)
	s.r.mu.Unlock()
}
func (s *relaySession) Rcpt(to string, _ *gosmtp.RcptOptions) error {
	s.rcpts = append(s.rcpts, to)
	return nil
}

func (s *relaySession) Data(r io.Reader) error {
	_, err := io.Copy(io.Discard, r)
	time.Sleep(s.r.delay)
	s.r.mu.Lock()
	defer s.r.mu.Unlock()
	delete(s.r.open, s)
	if err != nil {
		return err
	}
	s.r.txns++
	for _, rc := range s.rcpts {
		s.r.got[rc] = append(s.r.got[rc], s.helo)
		s.r.last[rc] = time.Now()
	}
	return nil
}

// openRcpts is how many recipients the open transactions from helo name.
func (r *relay) openRcpts(helo string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for s := range r.open {
		if s.helo == helo {
			n += len(s.rcpts)
		}
	}
	return n
}

// arrived is when rcpt's last copy came.
func (r *relay) arrived(rcpt string) time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.last[rcpt]
}

// copies is how many recipient copies the relay accepted.
func (r *relay) copies() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, hs := range r.got {
		n += len(hs)
	}
	return n
}

// received is a copy of what each recipient got, by sender.
func (r *relay) received() map[string][]string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string][]string, len(r.got))
	for k, v := range r.got {
		out[k] = append([]string(nil), v...)
	}
	return out
}

// waitRecipients waits up to d until n distinct recipients have a copy.
func (r *relay) waitRecipients(t *testing.T, n int, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	for len(r.received()) < n {
		if time.Now().After(deadline) {
			t.Fatalf("the relay has copies for %d recipients after %v, want %d", len(r.received()), d, n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
