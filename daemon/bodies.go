package daemon

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Request bodies are where a slow client can hold the server (issue 16,
// item 5): a body that trickles in keeps a request, and so a slot of
// limitRequests, busy for as long as the client likes. Two guards stand
// before limitRequests:
//
//   - a minimum body rate (rateBody): the first byte of a body must come
//     within FirstByte of the handler asking for it, and after Grace
//     every MinBytes must come within Window of the last MinBytes, or
//     the read fails with a timeout, the answer is 408 with a sentence
//     (stallWriter) and the connection closes. Uploads that flow,
//     however large or long, are never cut.
//
// Behind a reverse proxy every client has the proxy's address, so the
// per-address cap is theirs together.
//   - a cap on requests with bodies in progress per client address and
//     per account (limitBodies); beyond it 429 with Retry-After.

// bodyLimits are the guards' settings; defaultBodyLimits gives them.
type bodyLimits struct {
	PerIP      int           // requests with bodies in progress per address (32)
	PerAccount int           // the same per account or console session (32)
	FirstByte  time.Duration // until a body's first byte (10 s)
	Grace      time.Duration // before the rate applies (10 s)
	Window     time.Duration // for each MinBytes of a body (10 s)
	MinBytes   int64         // the rate's unit (1 KiB)
}

func defaultBodyLimits() bodyLimits {
	return bodyLimits{PerIP: 32, PerAccount: 32, FirstByte: 10 * time.Second,
		Grace: 10 * time.Second, Window: 10 * time.Second, MinBytes: 1 << 10}
}

// sessionCookie is the web console's session cookie (web/session.go).
const sessionCookie = "groupd_session"

// limitBodies applies lim to requests that carry a body and hands them,
// and every other request, to next.
func limitBodies(lim bodyLimits, log *slog.Logger, next http.Handler) http.Handler {
	ips := &counter{max: lim.PerIP, n: map[string]int{}}
	accounts := &counter{max: lim.PerAccount, n: map[string]int{}}
	var refusing atomic.Bool // logged once per stretch of refusals
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !hasBody(r) {
			next.ServeHTTP(w, r)
			return
		}
		ip, account := hostOf(r.RemoteAddr), accountOf(r)
		if !ips.acquire(ip) {
			tooManyBodies(w, "from your address", lim.PerIP)
			warnOnce(&refusing, log, "address", ip, lim.PerIP)
			return
		}
		defer ips.release(ip)
		if account != "" {
			if !accounts.acquire(account) {
				tooManyBodies(w, "for your account", lim.PerAccount)
				warnOnce(&refusing, log, "account", ip, lim.PerAccount)
				return
			}
			defer accounts.release(account)
		}
		refusing.Store(false)
		body := &rateBody{ReadCloser: r.Body, rc: http.NewResponseController(w), lim: lim}
		sw := &stallWriter{ResponseWriter: w, body: body}
		// A copy: net/http looks at the original's Body after the
		// handler (to skip or drain what is left of it).
		r2 := *r
		r2.Body = body
		next.ServeHTTP(sw, &r2)
		if body.stalled.Load() && !sw.wrote {
			sw.WriteHeader(http.StatusRequestTimeout)
		}
	})
}

// hasBody reports whether r declares a body (a length or chunks).
func hasBody(r *http.Request) bool {
	return r.Body != nil && r.Body != http.NoBody && r.ContentLength != 0
}

// accountOf is a hash of who r says it is: the HTTP Basic user name as
// sent or the console session; "" for neither. The hash keeps the
// secrets a session cookie (or a password typed as a name) holds out of
// memory beyond the request.
func accountOf(r *http.Request) string {
	if user, _, ok := r.BasicAuth(); ok {
		return hashKey("basic:" + user)
	}
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		return hashKey("session:" + c.Value)
	}
	return ""
}

func hashKey(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:16])
}

// refusedBodyWait bounds how long the server goes on reading a refused
// body (net/http discards up to 256 KiB of it) before it closes.
const refusedBodyWait = time.Second

// tooManyBodies answers 429 (RFC 6585 §4) with Retry-After and closes
// the connection, the body unread.
func tooManyBodies(w http.ResponseWriter, whose string, max int) {
	http.NewResponseController(w).SetReadDeadline(time.Now().Add(refusedBodyWait))
	w.Header().Set("Retry-After", strconv.Itoa(retryAfter))
	w.Header().Set("Connection", "close")
	http.Error(w, fmt.Sprintf("Too many uploads in progress %s: %d is the most at once; wait for one to finish and try again.", whose, max), http.StatusTooManyRequests)
}

// warnOnce logs the first refusal of a stretch, per address or account
// (the address is logged, never the account's name).
func warnOnce(refusing *atomic.Bool, log *slog.Logger, per, ip string, max int) {
	if !refusing.Swap(true) {
		log.Warn("requests with bodies refused: too many in progress", "per", per, "ip", ip, "limit", max)
	}
}

// counter counts requests in progress per key, max at most.
type counter struct {
	max int
	mu  sync.Mutex
	n   map[string]int
}

func (c *counter) acquire(key string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n[key] >= c.max {
		return false
	}
	c.n[key]++
	return true
}

func (c *counter) release(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n[key]--; c.n[key] <= 0 {
		delete(c.n, key)
	}
}

// rateBody is a request body read under a read deadline that moves on
// as the body arrives (see limitBodies). Its deadline is the
// connection's (the stream's for HTTP/2): it is cleared at the body's
// end, so it never cuts the answer that follows.
type rateBody struct {
	io.ReadCloser
	rc  *http.ResponseController
	lim bodyLimits

	start   time.Time // of the first Read
	got     int64     // bytes since mark
	mark    time.Time // when the last MinBytes were complete
	started bool
	done    bool        // at the body's end
	stalled atomic.Bool // a read timed out
}

func (b *rateBody) Read(p []byte) (int, error) {
	if !b.started {
		b.started, b.start = true, time.Now()
		b.rc.SetReadDeadline(b.start.Add(b.lim.FirstByte))
	}
	n, err := b.ReadCloser.Read(p)
	if n > 0 {
		b.arrived(int64(n))
	}
	if isTimeout(err) {
		b.stalled.Store(true)
	}
	if err == io.EOF && !b.done {
		b.done = true
		b.rc.SetReadDeadline(time.Time{}) // the body is over
	}
	// On any other error the deadline stays: the server, discarding
	// what is left of the body, then gives up at once and closes.
	return n, err
}

// arrived moves the deadline on: on the first byte, and each time
// another MinBytes are in, to Window later, but not before the grace
// period has passed.
func (b *rateBody) arrived(n int64) {
	first := b.mark.IsZero()
	b.got += n
	if !first && b.got < b.lim.MinBytes {
		return
	}
	now := time.Now()
	b.mark, b.got = now, b.got%b.lim.MinBytes
	deadline := now.Add(b.lim.Window)
	if grace := b.start.Add(b.lim.Grace); deadline.Before(grace) {
		deadline = grace
	}
	b.rc.SetReadDeadline(deadline)
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, os.ErrDeadlineExceeded) || errors.As(err, &ne) && ne.Timeout()
}

// stallWriter answers 408 (RFC 9110 §15.5.9) with a sentence in place
// of whatever the handler answers once its body has stalled: the
// handler saw only a read error. Unwrap lets http.ResponseController
// reach Flush, Hijack and deadlines; ReadFrom keeps sendfile.
type stallWriter struct {
	http.ResponseWriter
	body     *rateBody
	wrote    bool // a final status
	replaced bool // by the 408
}

func (w *stallWriter) WriteHeader(code int) {
	if !w.wrote && code >= 200 {
		w.wrote = true
		if w.body.stalled.Load() {
			w.replaced = true
			w.Header().Set("Connection", "close")
			http.Error(w.ResponseWriter, fmt.Sprintf("The request body stalled: it must keep coming, %d bytes every %v at least; try again.", w.body.lim.MinBytes, w.body.lim.Window), http.StatusRequestTimeout)
			return
		}
	}
	if !w.replaced {
		w.ResponseWriter.WriteHeader(code)
	}
}

func (w *stallWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	if w.replaced {
		return len(b), nil
	}
	return w.ResponseWriter.Write(b)
}

func (w *stallWriter) ReadFrom(r io.Reader) (int64, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	if w.replaced {
		return io.Copy(io.Discard, r)
	}
	return io.Copy(w.ResponseWriter, r)
}

func (w *stallWriter) Flush() {
	http.NewResponseController(w.ResponseWriter).Flush()
}

func (w *stallWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
