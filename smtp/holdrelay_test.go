package smtp

import (
	"bufio"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// holdRelay is a relay stand-in that offers PIPELINING and holds its
// answers back as long as RFC 2920 lets a server: a transaction's MAIL
// and RCPTs are answered when its DATA arrives, and its final dot only
// when the next command other than MAIL or RCPT arrives (the next
// transaction's DATA, RSET, QUIT), or when nothing has come for quiet.
// So a client that waits for the dot's answer before it sends the next
// transaction waits quiet each time, and the relay notes it (finalDot.waited).
//
// Answers by recipient: "-no" in the address, 550 5.1.1 at RCPT; "-late",
// 451 4.3.0 at DATA although the recipient was accepted; "-cut", the
// connection closed at RCPT (after the held answer to a dot). DATA with
// no recipient accepted gets 354 anyway, and the lone dot that follows
// 554 5.5.1, as some relays do.
type holdRelay struct {
	addr  string
	quiet time.Duration
	mu    sync.Mutex
	dots  []finalDot          // every final dot, in order
	got   map[string][]string // recipient -> messages it got
	froms map[string]string   // recipient -> envelope sender of its transaction
}

// finalDot is one final dot the relay read: the transaction's recipients (as
// sent, refused ones too) and whether its answer waited for quiet.
type finalDot struct {
	rcpts  []string
	waited bool
}

func startHoldRelay(t *testing.T, quiet time.Duration) *holdRelay {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	h := &holdRelay{addr: l.Addr().String(), quiet: quiet, got: map[string][]string{}, froms: map[string]string{}}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go h.serve(c)
		}
	}()
	return h
}

// readLines reads c's lines into a channel, closed at the end.
func readLines(c net.Conn) <-chan string {
	ch := make(chan string, 64)
	go func() {
		defer close(ch)
		r := bufio.NewReader(c)
		for {
			l, err := r.ReadString('\n')
			if err != nil {
				return
			}
			ch <- l
		}
	}()
	return ch
}

// holdConn is one connection's state.
type holdConn struct {
	h       *holdRelay
	c       net.Conn
	from    string
	rcpts   []string // sent in this transaction
	ok      []string // accepted
	pending []string // answers held until DATA
	held    string   // the answer to the last dot, held
	heldDot int      // its index in h.dots
}

func (hc *holdConn) write(answers ...string) {
	hc.c.Write([]byte(strings.Join(answers, "\r\n") + "\r\n"))
}

// release sends the held answer to a dot, if any.
func (hc *holdConn) release() {
	if hc.held != "" {
		hc.write(hc.held)
		hc.held = ""
	}
}

func (h *holdRelay) serve(c net.Conn) {
	defer c.Close()
	hc := &holdConn{h: h, c: c}
	in := readLines(c)
	hc.write("220 hold.example")
	for {
		var line string
		var open bool
		if hc.held == "" {
			line, open = <-in
		} else {
			select {
			case line, open = <-in:
			case <-time.After(h.quiet):
				h.mu.Lock()
				h.dots[hc.heldDot].waited = true
				h.mu.Unlock()
				hc.release()
				continue
			}
		}
		if !open || !hc.command(strings.TrimRight(line, "\r\n"), in) {
			return
		}
	}
}

// command answers one command (or holds its answer); false ends the
// connection.
func (hc *holdConn) command(line string, in <-chan string) bool {
	cmd := strings.ToUpper(line)
	switch {
	case strings.HasPrefix(cmd, "MAIL FROM:"):
		hc.from, _, _ = strings.Cut(strings.TrimPrefix(line[10:], "<"), ">")
		hc.rcpts, hc.ok, hc.pending = nil, nil, []string{"250 2.1.0 ok"}
	case strings.HasPrefix(cmd, "RCPT TO:"):
		rcpt, _, _ := strings.Cut(strings.TrimPrefix(line[8:], "<"), ">")
		hc.rcpts = append(hc.rcpts, rcpt)
		switch {
		case strings.Contains(rcpt, "-cut"):
			hc.release()
			return false
		case strings.Contains(rcpt, "-no"):
			hc.pending = append(hc.pending, "550 5.1.1 no such user")
		default:
			hc.ok = append(hc.ok, rcpt)
			hc.pending = append(hc.pending, "250 2.1.5 ok")
		}
	case cmd == "DATA":
		hc.release()
		late := false
		for _, r := range hc.ok {
			late = late || strings.Contains(r, "-late")
		}
		if late {
			hc.write(append(hc.pending, "451 4.3.0 not now")...)
			return true
		}
		hc.write(append(hc.pending, "354 go on")...)
		return hc.message(in)
	default:
		hc.release()
		switch {
		case strings.HasPrefix(cmd, "EHLO"):
			hc.write("250-hold.example", "250 PIPELINING")
		case cmd == "QUIT":
			hc.write("221 bye")
			return false
		default: // RSET, NOOP
			hc.write("250 2.0.0 ok")
		}
	}
	return true
}

// message reads a message up to its final dot, records it, and holds the
// answer.
func (hc *holdConn) message(in <-chan string) bool {
	var body strings.Builder
	for l := range in {
		if l == ".\r\n" {
			h := hc.h
			h.mu.Lock()
			for _, r := range hc.ok {
				h.got[r] = append(h.got[r], body.String())
				h.froms[r] = hc.from
			}
			h.dots = append(h.dots, finalDot{rcpts: hc.rcpts})
			hc.heldDot = len(h.dots) - 1
			h.mu.Unlock()
			hc.held = "250 2.0.0 queued"
			if len(hc.ok) == 0 {
				hc.held = "554 5.5.1 no valid recipients"
			}
			return true
		}
		body.WriteString(strings.TrimPrefix(l, "."))
	}
	return false
}

// dotsOf is the dots of transactions to domain.
func (h *holdRelay) dotsOf(domain string) []finalDot {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []finalDot
	for _, d := range h.dots {
		if len(d.rcpts) > 0 && strings.HasSuffix(d.rcpts[0], "@"+domain) {
			out = append(out, d)
		}
	}
	return out
}

// received is a copy of what each recipient got.
func (h *holdRelay) received() map[string][]string {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := map[string][]string{}
	for k, v := range h.got {
		out[k] = append([]string(nil), v...)
	}
	return out
}

// from is the envelope sender of the transaction that brought rcpt its
// last message.
func (h *holdRelay) from(rcpt string) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.froms[rcpt]
}
