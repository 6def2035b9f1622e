package smtp

import (
	"sync"
	"sync/atomic"
	"time"

	gosmtp "github.com/emersion/go-smtp"
)

// drain keeps the inbound server's sessions, so that Shutdown can end the
// idle ones at once: a relay keeps its connection open between messages
// (connection caching), and go-smtp's Shutdown waited for it until the
// deadline, which ended in "shutdown incomplete" (issue 16, Info).
type drain struct {
	mu      sync.Mutex
	live    map[*tracked]struct{}
	closing bool
}

// tracked is an inbound session the server knows of; busy between MAIL
// and the end of the transaction (RFC 5321 §3.3).
type tracked struct {
	*session
	d    *drain
	busy atomic.Bool
}

// track registers a new session (go-smtp makes it at EHLO or HELO); one
// that starts while the server shuts down is ended at once.
func (d *drain) track(s *session) *tracked {
	t := &tracked{session: s, d: d}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.live == nil {
		d.live = map[*tracked]struct{}{}
	}
	d.live[t] = struct{}{}
	if d.closing {
		t.bye()
	}
	return t
}

// closeIdle marks the server as shutting down and says 421 (RFC 5321
// §3.8) to every session not in a transaction; the others get it when
// their transaction ends (Reset).
func (d *drain) closeIdle() {
	d.mu.Lock()
	d.closing = true
	idle := make([]*tracked, 0, len(d.live))
	for t := range d.live {
		if !t.busy.Load() {
			idle = append(idle, t)
		}
	}
	d.mu.Unlock()
	for _, t := range idle {
		t.bye()
	}
}

func (d *drain) shuttingDown() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.closing
}

func (t *tracked) Mail(from string, opts *gosmtp.MailOptions) error {
	t.busy.Store(true)
	return t.session.Mail(from, opts)
}

// Reset ends a transaction (go-smtp calls it after DATA's answer, on RSET
// and at the start); past Shutdown the session then ends.
func (t *tracked) Reset() {
	t.session.Reset()
	t.busy.Store(false)
	if t.d.shuttingDown() {
		t.bye()
	}
}

func (t *tracked) Logout() error {
	t.d.mu.Lock()
	delete(t.d.live, t)
	t.d.mu.Unlock()
	return t.session.Logout()
}

// bye says 421 and closes the connection; go-smtp's loop then ends on
// its next read. The library is not writing: the session is between
// commands.
func (t *tracked) bye() {
	if t.conn == nil || t.conn.Conn() == nil {
		return
	}
	c := t.conn.Conn()
	c.SetWriteDeadline(time.Now().Add(time.Second))
	c.Write([]byte("421 4.3.2 Service shutting down, try again later\r\n"))
	c.Close()
}
