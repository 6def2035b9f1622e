package imap

import (
	"bytes"
	"context"
	"crypto/tls"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// STARTTLS and the login rule, in the guard (issue 17, the STARTTLS gap).
// go-imap, when it performs STARTTLS, reads the TLS connection itself and
// the guard above it would see only records. So the guard performs
// STARTTLS (RFC 9051 §6.2.1) and goes on guarding the decrypted stream;
// go-imap is told neither of TLS nor of STARTTLS, and allows
// authentication, while the guard applies RFC 8314 §5.1 itself: before
// TLS, off loopback (unless Options.InsecureAuth), LOGIN and AUTHENTICATE
// get NO [PRIVACYREQUIRED] and the capability lists say LOGINDISABLED.
// The guard writes every capability list go-imap sends (RFC 9051
// §7.2.2): STARTTLS and LOGINDISABLED before TLS, and, once logged in,
// what the session implements that go-imap does not know (SORT, THREAD).

// startTLSTimeout bounds the TLS handshake after STARTTLS.
const startTLSTimeout = 30 * time.Second

// extCaps are the capabilities the session adds to go-imap's once
// logged in (RFC 5256 §3, sort.go and thread.go; RFC 7162 §3.1, §3.2,
// condguard.go).
const extCaps = "SORT THREAD=ORDEREDSUBJECT THREAD=REFERENCES CONDSTORE QRESYNC"

// tlsState is the guard's part of a connection's security.
type tlsState struct {
	starttls     *tls.Config // nil: no STARTTLS
	insecureAuth bool        // authentication allowed without TLS
	secure       atomic.Bool // TLS: implicit, or after STARTTLS
	authed       atomic.Bool // logged in (set by the session)
	tlsc         atomic.Pointer[tls.Conn]

	wmu sync.Mutex
	out outFrame
}

// top is the connection the guard reads and writes: TLS after STARTTLS.
func (g *guardConn) top() net.Conn {
	if c := g.tlsc.Load(); c != nil {
		return c
	}
	return g.Conn
}

// locked says that authentication needs TLS first (RFC 8314 §5.1).
func (g *guardConn) locked() bool { return !g.insecureAuth && !g.secure.Load() }

// loginRule answers LOGIN and AUTHENTICATE before TLS as go-imap does
// (RFC 9051 §6.2.3, §7.1 PRIVACYREQUIRED), or "" to let them through.
func (g *guardConn) loginRule() string {
	if g.locked() && !g.authed.Load() {
		return "NO [PRIVACYREQUIRED] TLS is required to authenticate"
	}
	return ""
}

// startTLSLine handles STARTTLS (RFC 9051 §6.2.1): without a TLS
// configuration go-imap answers it; otherwise the guard does, once the
// commands before it are answered.
func (g *guardConn) startTLSLine(l []byte, tag string) ([]byte, string) {
	switch {
	case g.starttls == nil:
		return l, ""
	case len(strings.Fields(string(l))) != 2:
		return nil, "BAD [CLIENTBUG] STARTTLS takes no arguments"
	case g.secure.Load():
		return nil, "BAD [CLIENTBUG] STARTTLS not available: TLS is already on"
	}
	g.hold(func(rest []byte) ([]byte, error) { return g.startTLS(tag, rest) })
	return nil, ""
}

// startTLS answers OK and negotiates TLS; what the client sent after the
// command is the start of its handshake, never a command (RFC 9051
// §6.2.1: no pipelining past STARTTLS). A client that logged in first
// gets BAD.
func (g *guardConn) startTLS(tag string, rest []byte) ([]byte, error) {
	if g.authed.Load() {
		g.answer(tag + " BAD [CLIENTBUG] STARTTLS is only valid before authentication")
		return rest, nil
	}
	g.answer(tag + " OK Begin TLS negotiation now")
	c := tls.Server(&prefixConn{Conn: g.Conn, pre: rest}, g.starttls)
	ctx, cancel := context.WithTimeout(context.Background(), startTLSTimeout)
	defer cancel()
	if err := c.HandshakeContext(ctx); err != nil {
		g.Conn.Close()
		return nil, err
	}
	g.wmu.Lock()
	g.tlsc.Store(c)
	g.secure.Store(true)
	g.out = outFrame{}
	g.wmu.Unlock()
	return nil, nil
}

// prefixConn reads pre before the connection.
type prefixConn struct {
	net.Conn
	pre []byte
}

func (c *prefixConn) Read(p []byte) (int, error) {
	if len(c.pre) > 0 {
		n := copy(p, c.pre)
		c.pre = c.pre[n:]
		return n, nil
	}
	return c.Conn.Read(p)
}

// Write sends the server's output, with its capability lists written
// for the connection's state.
func (g *guardConn) Write(p []byte) (int, error) {
	g.wmu.Lock()
	defer g.wmu.Unlock()
	if err := g.out.frame(p, g.top(), g.fixLine); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Close closes TLS too, after STARTTLS.
func (g *guardConn) Close() error {
	if c := g.tlsc.Load(); c != nil {
		return c.Close()
	}
	return g.Conn.Close()
}

// fixLine writes a response line for the connection: its capability
// list, and what CONDSTORE adds to it (condout.go).
func (g *guardConn) fixLine(l []byte) []byte { return g.cond.apply(g.fixCaps(l)) }

// fixCaps rewrites a capability list ("* CAPABILITY …" or a status
// response with a [CAPABILITY …] code, RFC 9051 §7.2.2, §7.1) for the
// state: no AUTH= while locked, then STARTTLS and LOGINDISABLED before
// TLS, and the session's own extensions once logged in.
func (g *guardConn) fixCaps(l []byte) []byte {
	i := capsStart(l)
	if i < 0 {
		return l
	}
	end := bytes.IndexAny(l[i:], "]\r\n")
	if end < 0 {
		return l
	}
	end += i
	var caps []string
	for _, c := range strings.Fields(string(l[i:end])) {
		if !(g.locked() && strings.HasPrefix(strings.ToUpper(c), "AUTH=")) {
			caps = append(caps, c)
		}
	}
	authed := g.authed.Load()
	if g.starttls != nil && !g.secure.Load() && !authed {
		caps = append(caps, "STARTTLS")
	}
	if g.locked() && !authed {
		caps = append(caps, "LOGINDISABLED")
	}
	if authed {
		caps = append(caps, strings.Fields(extCaps)...)
	}
	out := append([]byte{}, l[:i]...)
	out = append(out, strings.Join(caps, " ")...)
	return append(out, l[end:]...)
}

// capsStart finds the list in "* CAPABILITY …" or "tag OK [CAPABILITY
// …]" (the greeting, LOGIN, AUTHENTICATE), -1 in any other line.
func capsStart(l []byte) int {
	if bytes.HasPrefix(l, []byte("* CAPABILITY ")) {
		return len("* CAPABILITY ")
	}
	sp := bytes.IndexByte(l, ' ')
	if sp < 0 || !bytes.HasPrefix(l[sp+1:], []byte("OK [CAPABILITY ")) {
		return -1
	}
	return sp + 1 + len("OK [CAPABILITY ")
}

// outFrame follows the server's output: response lines, and literals
// ({N} at a line's end, RFC 9051 §4.3) that pass untouched, so that only
// whole response lines are rewritten.
type outFrame struct {
	line    []byte // a response line not yet complete
	literal int64  // literal bytes still to pass
}

// frame writes p to w, passing literal data as is and each complete line
// through fix.
func (f *outFrame) frame(p []byte, w io.Writer, fix func([]byte) []byte) (err error) {
	var out []byte
	for len(p) > 0 {
		if f.literal > 0 {
			k := int(min(int64(len(p)), f.literal))
			if out, err = passLiteral(w, out, p[:k]); err != nil {
				return err
			}
			f.literal -= int64(k)
			p = p[k:]
			continue
		}
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			f.line = append(f.line, p...)
			break
		}
		l := append(f.line, p[:i+1]...)
		f.line, p = nil, p[i+1:]
		if size, _ := literalHeader(l); size > 0 {
			f.literal = size
		}
		out = append(out, fix(l)...)
	}
	if len(out) == 0 {
		return nil
	}
	_, err = w.Write(out)
	return err
}

// passLiteral adds a small piece of literal data to out; a large one is
// written as it is, after out, rather than copied.
func passLiteral(w io.Writer, out, lit []byte) ([]byte, error) {
	if len(lit) < 64<<10 {
		return append(out, lit...), nil
	}
	if len(out) > 0 {
		if _, err := w.Write(out); err != nil {
			return nil, err
		}
	}
	_, err := w.Write(lit)
	return nil, err
}
