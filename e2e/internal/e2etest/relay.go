package e2etest

import (
	"io"
	"sync"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"

	"groupd/internal/testkit"
)

// Relay is a go-smtp server on loopback standing in as the smarthost
// (set cfg.Mail.Relay to its Addr): it accepts every transaction and
// records the envelope and the bytes.
type Relay struct {
	Addr string
	mu   sync.Mutex
	got  []Envelope
}

// Envelope is one transaction the relay accepted.
type Envelope struct {
	From  string
	Rcpts []string
	Data  []byte
}

// StartRelay runs a recording relay until the test ends.
func StartRelay(t testing.TB) *Relay {
	t.Helper()
	r := &Relay{}
	r.Addr = testkit.ServeRelay(t, func(*gosmtp.Conn) (gosmtp.Session, error) {
		return &relaySession{r: r}, nil
	})
	return r
}

type relaySession struct {
	r   *Relay
	env Envelope
}

func (s *relaySession) Reset()        { s.env = Envelope{} }
func (s *relaySession) Logout() error { return nil }
func (s *relaySession) Mail(from string, _ *gosmtp.MailOptions) error {
	s.env = Envelope{From: from}
	return nil
}
func (s *relaySession) Rcpt(to string, _ *gosmtp.RcptOptions) error {
	s.env.Rcpts = append(s.env.Rcpts, to)
	return nil
}
func (s *relaySession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.env.Data = b
	s.r.mu.Lock()
	s.r.got = append(s.r.got, s.env)
	s.r.mu.Unlock()
	return nil
}

// Envelopes returns the transactions accepted so far.
func (r *Relay) Envelopes() []Envelope {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Envelope{}, r.got...)
}

// Received maps each recipient to the messages it got so far.
func (r *Relay) Received() map[string][][]byte {
	out := map[string][][]byte{}
	for _, e := range r.Envelopes() {
		for _, rc := range e.Rcpts {
			out[rc] = append(out[rc], e.Data)
		}
	}
	return out
}

// Count is how many recipient copies the relay accepted so far.
func (r *Relay) Count() int {
	n := 0
	for _, e := range r.Envelopes() {
		n += len(e.Rcpts)
	}
	return n
}

// WaitCount waits (up to 60s, generous for a loaded machine) until the
// relay has accepted at least n recipient copies.
func (r *Relay) WaitCount(t testing.TB, n int) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for r.Count() < n {
		if time.Now().After(deadline) {
			t.Fatalf("relay accepted %d recipient copies, want %d", r.Count(), n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
