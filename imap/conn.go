package imap

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"
)

// errLineTooLong ends a connection whose client sent an overlong line.
var errLineTooLong = errors.New("imap: line too long")

// listener hands the library connections wrapped with the per-address
// connection cap and the line-length cap.
type listener struct {
	net.Listener
	srv *Server
	// guard puts a guardConn over each connection: on plain listeners
	// only, as under TLS it would see records (ServeTLS puts it above TLS).
	guard bool
	// insecureAuth allows authentication before STARTTLS (loopback).
	insecureAuth bool
}

func (l *listener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		ip := remoteIP(c.RemoteAddr())
		if !l.srv.conns.acquire(ip) {
			l.srv.log.Warn("connection refused: too many from one address", "ip", ip)
			go refuse(c, "* BYE [UNAVAILABLE] Too many connections from your address; try again later\r\n")
			continue
		}
		done, ok := l.srv.opts.Conns.TryTake(1)
		if !ok {
			l.srv.conns.release(ip)
			l.srv.log.Warn("connection refused: limits.max_connections reached", "ip", ip)
			go refuse(c, "* BYE [UNAVAILABLE] The server has too many connections; try again later\r\n")
			continue
		}
		lc := &limitedConn{Conn: c, max: l.srv.opts.MaxLineLength, wto: l.srv.opts.WriteTimeout,
			release: func() { l.srv.conns.release(ip); done() }}
		if l.guard {
			return newGuard(lc, l.srv.opts.TLSConfig, false, l.insecureAuth), nil
		}
		return lc, nil
	}
}

func refuse(c net.Conn, msg string) {
	c.SetWriteDeadline(time.Now().Add(5 * time.Second))
	c.Write([]byte(msg))
	c.Close()
}

func remoteIP(a net.Addr) string {
	if ta, ok := a.(*net.TCPAddr); ok {
		return ta.IP.String()
	}
	host, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	return host
}

// limitedConn ends the connection with BYE when a line (bytes between two
// LFs, literals included) grows beyond max. RFC 3501 §7.1.5: BYE may be
// sent when the server closes the connection.
type limitedConn struct {
	net.Conn
	max     int
	wto     time.Duration // each write's deadline
	line    int
	once    sync.Once
	release func()

	wmu     sync.Mutex
	holding bool   // gathering writes (see gather)
	wbuf    []byte // gathered, not yet written
}

// gatherBytes is how much a gathering connection holds before writing.
const gatherBytes = 64 << 10

// gather makes writes collect in a buffer until send (or gatherBytes),
// for commands that answer with many lines: the library flushes after
// every FETCH response, which would cost a system call (and, under TLS,
// a record) per message.
func (c *limitedConn) gather() {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.holding = true
}

// send writes what was gathered and ends gathering.
func (c *limitedConn) send() error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.holding = false
	return c.flushLocked()
}

func (c *limitedConn) Write(p []byte) (int, error) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if !c.holding || len(c.wbuf)+len(p) >= gatherBytes {
		// A large write (a literal) goes as is, not through the buffer,
		// which would grow to its size.
		if err := c.flushLocked(); err != nil {
			return 0, err
		}
		return c.write(p)
	}
	c.wbuf = append(c.wbuf, p...)
	return len(p), nil
}

// write writes with Options.WriteTimeout as the deadline.
func (c *limitedConn) write(p []byte) (int, error) {
	if c.wto > 0 {
		c.Conn.SetWriteDeadline(time.Now().Add(c.wto))
	}
	return c.Conn.Write(p)
}

func (c *limitedConn) flushLocked() error {
	if len(c.wbuf) == 0 {
		return nil
	}
	_, err := c.write(c.wbuf)
	c.wbuf = c.wbuf[:0]
	return err
}

// wire finds the limitedConn under c (a TLS connection's included).
func wire(c net.Conn) *limitedConn {
	for {
		switch x := c.(type) {
		case *limitedConn:
			return x
		case *tls.Conn:
			c = x.NetConn()
		case *guardConn:
			c = x.Conn
		default:
			return nil
		}
	}
}

func (c *limitedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	for _, b := range p[:n] {
		if b == '\n' {
			c.line = 0
			continue
		}
		c.line++
		if c.line > c.max {
			c.tooLong()
			return 0, errLineTooLong
		}
	}
	return n, err
}

// tooLong says BYE, then half-closes and drains briefly so that the
// client can read the BYE before the connection goes (closing with unread
// input would reset it).
func (c *limitedConn) tooLong() {
	c.SetWriteDeadline(time.Now().Add(5 * time.Second))
	fmt.Fprintf(c.Conn, "* BYE [TOOBIG] Line too long: the limit is %d bytes\r\n", c.max)
	if tc, ok := c.Conn.(*net.TCPConn); ok {
		tc.CloseWrite()
		tc.SetReadDeadline(time.Now().Add(time.Second))
		io.Copy(io.Discard, io.LimitReader(tc, 1<<20))
	}
	c.Conn.Close()
}

// Close writes what was gathered first (a BYE the library sends in the
// middle of a FETCH must reach the client), unless a write is under way:
// closing is what unblocks a write to a client that stopped reading.
func (c *limitedConn) Close() error {
	if c.wmu.TryLock() {
		c.holding = false
		c.Conn.SetWriteDeadline(time.Now().Add(5 * time.Second))
		if len(c.wbuf) > 0 {
			c.Conn.Write(c.wbuf) // not write: the 5 s deadline holds
		}
		c.wmu.Unlock()
	}
	c.once.Do(c.release)
	return c.Conn.Close()
}

// connLimit counts connections per address.
type connLimit struct {
	mu  sync.Mutex
	max int
	n   map[string]int
}

func newConnLimit(max int) *connLimit { return &connLimit{max: max, n: map[string]int{}} }

func (l *connLimit) acquire(ip string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.n[ip] >= l.max {
		return false
	}
	l.n[ip]++
	return true
}

func (l *connLimit) release(ip string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.n[ip] <= 1 {
		delete(l.n, ip)
	} else {
		l.n[ip]--
	}
}
