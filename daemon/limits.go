package daemon

import (
	"bufio"
	"crypto/tls"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"groupd/internal/budget"
)

// The [limits] table, applied so that one client cannot starve the
// others: connections per address on each listener (here), concurrent
// HTTP requests (limitRequests), request bodies (api and dav/calendar
// Options) and SMTP commands per session (smtp Options).

// retryAfter is the Retry-After of a 503, in seconds (RFC 9110 §10.2.3).
const retryAfter = 5

// limitConns caps the connections one address holds open on l. IMAP
// keeps its own count (imap.Options.MaxConnsPerIP), which says BYE
// through TLS on imaps; the others are wrapped here, below their TLS.
func (d *Daemon) limitConns(l Listener, tlsConf *tls.Config) Listener {
	max := d.cfg.Limits.MaxConnectionsPerIP
	var refusal, full []byte // per address; limits.max_connections
	var overTLS *tls.Config
	awaitRequest := false
	switch l.Name {
	case "smtp", "submission", "submissions":
		// RFC 5321 §3.8: 421 may answer at any time, the greeting too.
		refusal = []byte(fmt.Sprintf("421 4.7.0 %s Too many connections from your address (the limit is %d); try again later\r\n", d.cfg.Hostname, max))
		full = []byte(fmt.Sprintf("421 4.7.0 %s Too many connections; try again later\r\n", d.cfg.Hostname))
		if l.Name == "submissions" {
			overTLS = tlsConf
		}
	case "http":
		refusal = httpRefusal(fmt.Sprintf("Too many connections from your address (the limit is %d); close some and try again.\n", max))
		full = httpRefusal("The server has too many connections; try again in a moment.\n")
		awaitRequest = true // an answer before the request is no answer to it
		if d.cfg.TLS.HTTP && tlsConf != nil {
			overTLS = tlsConf.Clone()
			overTLS.NextProtos = []string{"http/1.1"} // the refusal is HTTP/1.1
		}
	default:
		return l
	}
	serve, log := l.Serve, d.logger(l.Name)
	l.Serve = func(ln net.Listener) error {
		return serve(&connLimiter{Listener: ln, max: max, log: log, total: d.conns,
			refuse:    func(c net.Conn) { refuse(c, refusal, overTLS, awaitRequest) },
			refuseAll: func(c net.Conn) { refuse(c, full, overTLS, awaitRequest) }, open: map[string]int{}})
	}
	return l
}

// httpRefusal is a whole 503 answer (RFC 9110 §15.6.4) with body.
func httpRefusal(body string) []byte {
	return []byte("HTTP/1.1 503 Service Unavailable\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n" +
		"Retry-After: " + strconv.Itoa(retryAfter) + "\r\n" +
		"Connection: close\r\n" +
		"Content-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body)
}

// refuse writes msg (through TLS when conf is set), after the head of a
// request when awaitRequest, lets the client read it and closes c;
// bounded by deadlines, it runs on its own goroutine.
func refuse(c net.Conn, msg []byte, conf *tls.Config, awaitRequest bool) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	var w io.ReadWriter = c
	if conf != nil {
		tc := tls.Server(c, conf)
		if tc.Handshake() != nil {
			return
		}
		w = tc
	}
	if awaitRequest && !readHead(w) {
		return
	}
	if _, err := w.Write(msg); err != nil {
		return
	}
	// Closing with unread input (an HTTP request) would reset the
	// connection and could lose the answer: read briefly first.
	if t, ok := c.(*net.TCPConn); ok && conf == nil {
		t.CloseWrite()
	}
	c.SetReadDeadline(time.Now().Add(time.Second))
	io.Copy(io.Discard, io.LimitReader(w, 64<<10))
}

// readHead reads up to the blank line that ends an HTTP request's head
// (RFC 9112 §2.1), 64 KiB at most.
func readHead(r io.Reader) bool {
	br := bufio.NewReader(io.LimitReader(r, 64<<10))
	for {
		l, err := br.ReadString('\n')
		if err != nil {
			return false
		}
		if l == "\r\n" || l == "\n" {
			return true
		}
	}
}

// connLimiter is a listener that refuses a connection from an address
// that already holds max.
type connLimiter struct {
	net.Listener
	max    int
	log    *slog.Logger
	refuse func(net.Conn)
	total  *budget.Budget // limits.max_connections, shared by the listeners
	// refuseAll answers beyond total; full is logged once per stretch.
	refuseAll func(net.Conn)
	full      atomic.Bool

	mu     sync.Mutex
	open   map[string]int  // connections per address
	warned map[string]bool // addresses at the limit, logged once
}

func (l *connLimiter) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		ip := hostOf(c.RemoteAddr().String())
		if !l.acquire(ip) {
			go l.refuse(c)
			continue
		}
		if done, ok := l.total.TryTake(1); ok {
			l.full.Store(false)
			return &limitedConn{Conn: c, release: func() { l.release(ip); done() }}, nil
		}
		l.release(ip)
		if !l.full.Swap(true) {
			l.log.Warn("connections refused: limits.max_connections reached", "ip", ip, "limit", l.total.Max())
		}
		go l.refuseAll(c)
	}
}

func (l *connLimiter) acquire(ip string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open[ip] < l.max {
		l.open[ip]++
		return true
	}
	if !l.warned[ip] {
		if l.warned == nil {
			l.warned = map[string]bool{}
		}
		l.warned[ip] = true
		l.log.Warn("connections refused: too many from one address", "ip", ip, "limit", l.max)
	}
	return false
}

func (l *connLimiter) release(ip string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.open[ip]--
	if l.open[ip] <= 0 {
		delete(l.open, ip)
	}
	delete(l.warned, ip)
}

// limitedConn gives its slot back once, on the first Close.
type limitedConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *limitedConn) Close() error {
	c.once.Do(c.release)
	return c.Conn.Close()
}

// ReadFrom keeps the TCP connection's sendfile path, which net/http's
// response.ReadFrom takes only when the connection has ReadFrom: without
// it a WebDAV GET of a file copies every byte through user space.
func (c *limitedConn) ReadFrom(r io.Reader) (int64, error) {
	if rf, ok := c.Conn.(io.ReaderFrom); ok {
		return rf.ReadFrom(r)
	}
	return io.Copy(struct{ io.Writer }{c.Conn}, r)
}

// hostOf is the address part of host:port.
func hostOf(addr string) string {
	h, _, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	return h
}

// limitRequests answers 503 with Retry-After (RFC 9110 §15.6.4,
// §10.2.3) when max requests are already in progress.
func limitRequests(max int, log *slog.Logger, next http.Handler) http.Handler {
	slots := make(chan struct{}, max)
	var refusing atomic.Bool // logged once per stretch of refusals
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case slots <- struct{}{}:
			defer func() { <-slots }()
			refusing.Store(false)
			next.ServeHTTP(w, r)
			return
		default:
		}
		if !refusing.Swap(true) {
			log.Warn("requests refused: too many in progress", "ip", hostOf(r.RemoteAddr), "limit", max)
		}
		w.Header().Set("Retry-After", strconv.Itoa(retryAfter))
		http.Error(w, fmt.Sprintf("The server is busy: %d requests are in progress, the most it takes at once; try again in a moment.", max), http.StatusServiceUnavailable)
	})
}
