package smtp

import (
	"io"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"

	"groupd/internal/testkit"
)

// relay is a go-smtp server standing in as the smarthost, recording each
// transaction it accepts.
type relay struct {
	addr  string
	conns []*gosmtp.Conn
	mu    sync.Mutex
	got   []envelope
	// rcpt, when set, answers RCPT TO (nil accepts).
	rcpt func(to string) error
	// mail, when set, answers MAIL FROM (nil accepts).
	mail func(from string) error
	// delay, when set, slows each DATA down.
	delay time.Duration
	// dataStarted counts DATA commands begun.
	dataStarted atomic.Int32
}

type envelope struct {
	From  string
	Rcpts []string
	Data  []byte
}

func startRelay(t testing.TB) *relay {
	t.Helper()
	r := &relay{}
	r.addr = testkit.ServeRelay(t, func(c *gosmtp.Conn) (gosmtp.Session, error) {
		r.mu.Lock()
		r.conns = append(r.conns, c)
		r.mu.Unlock()
		return &relaySession{r: r}, nil
	})
	return r
}

type relaySession struct {
	r   *relay
	env envelope
}

func (s *relaySession) Reset()        { s.env = envelope{} }
func (s *relaySession) Logout() error { return nil }
func (s *relaySession) Mail(from string, _ *gosmtp.MailOptions) error {
	s.r.mu.Lock()
	f := s.r.mail
	s.r.mu.Unlock()
	if f != nil {
		if err := f(from); err != nil {
			return err
		}
	}
	s.env = envelope{From: from}
	return nil
}
func (s *relaySession) Rcpt(to string, _ *gosmtp.RcptOptions) error {
	s.r.mu.Lock()
	f := s.r.rcpt
	s.r.mu.Unlock()
	if f != nil {
		if err := f(to); err != nil {
			return err
		}
	}
	s.env.Rcpts = append(s.env.Rcpts, to)
	return nil
}
func (s *relaySession) Data(r io.Reader) error {
	s.r.dataStarted.Add(1)
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.r.mu.Lock()
	d := s.r.delay
	s.r.mu.Unlock()
	time.Sleep(d)
	s.env.Data = b
	s.r.mu.Lock()
	s.r.got = append(s.r.got, s.env)
	s.r.mu.Unlock()
	return nil
}

// dropConns closes every connection the relay has (as an idle timeout
// would).
func (r *relay) dropConns() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, c := range r.conns {
		c.Close()
	}
	r.conns = nil
}

func (r *relay) setRcpt(f func(string) error) {
	r.mu.Lock()
	r.rcpt = f
	r.mu.Unlock()
}

// envelopes returns what the relay got so far.
func (r *relay) envelopes() []envelope {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]envelope{}, r.got...)
}

// received maps each recipient to the messages it got.
func (r *relay) received() map[string][][]byte {
	out := map[string][][]byte{}
	for _, e := range r.envelopes() {
		for _, rc := range e.Rcpts {
			out[rc] = append(out[rc], e.Data)
		}
	}
	return out
}

// waitRcpts waits until the relay has seen at least n recipients.
func (r *relay) waitRcpts(t testing.TB, n int) map[string][][]byte {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := r.received()
		total := 0
		for _, v := range got {
			total += len(v)
		}
		if total >= n {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("relay got %d recipients, want %d: %v", total, n, keys(got))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// quiet asserts that the relay gets nothing more within d.
func (r *relay) quiet(t testing.TB, d time.Duration, want int) {
	t.Helper()
	time.Sleep(d)
	total := 0
	for _, v := range r.received() {
		total += len(v)
	}
	if total != want {
		t.Fatalf("relay got %d recipients, want %d: %v", total, want, keys(r.received()))
	}
}

// eachGot asserts that addrs addresses get posts copies each and that
// nothing more comes.
func (r *relay) eachGot(t testing.TB, posts, addrs int) {
	t.Helper()
	got := r.waitRcpts(t, posts*addrs)
	r.quiet(t, 200*time.Millisecond, posts*addrs)
	if len(got) != addrs {
		t.Fatalf("%d addresses got mail, want %d", len(got), addrs)
	}
	for rcpt, copies := range got {
		if len(copies) != posts {
			t.Errorf("%s got %d copies, want %d", rcpt, len(copies), posts)
		}
	}
}

func keys(m map[string][][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
