package daemon

import (
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"

	"groupd/internal/budget"
)

// The global limits of [limits] (issue 16 finding 6): one memory budget
// (limits.memory_budget, d.mem) that SMTP, IMAP and the queue take from
// before they hold a message whole, and one connection budget
// (limits.max_connections, d.conns) over all the listeners. At the limit
// SMTP answers 452 4.3.1 (or 421 4.7.0 for a connection), IMAP NO
// [LIMIT] (or BYE [UNAVAILABLE]), HTTP 503 with Retry-After for the
// console's message pages.

// spoolDir is where SMTP reads large messages to: data_dir/spool, on the
// data's disk (the system's temporary directory may be memory, tmpfs).
// The files are unlinked as soon as they are made.
func (d *Daemon) spoolDir() string {
	dir := filepath.Join(d.cfg.DataDir, "spool")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		d.logger("daemon").Warn("spool directory: using the system's temporary directory", "err", err)
		return ""
	}
	return dir
}

// limitMemory answers 503 with Retry-After (RFC 9110 §15.6.4, §10.2.3)
// to a new request that reads archived messages whole (the console's
// Messages tab and its attachments, heldWhole) while more than nine
// tenths of the memory budget are taken, so that large messages in
// progress finish. Every other request is served: API, DAV and console
// requests hold no message whole (their bodies are bounded by the body
// rules of bodies.go), and refusing them for the budget's sake would let
// whoever holds it (a client that never reads) turn everyone away.
func limitMemory(mem *budget.Budget, log *slog.Logger, next http.Handler) http.Handler {
	var refusing atomic.Bool // logged once per stretch of refusals
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !heldWhole(r) || !mem.Busy() {
			refusing.Store(false)
			next.ServeHTTP(w, r)
			return
		}
		if !refusing.Swap(true) {
			log.Warn("requests refused: the memory budget is spent", "budget", mem.Max(), "used", mem.Used())
		}
		w.Header().Set("Retry-After", strconv.Itoa(retryAfter))
		http.Error(w, fmt.Sprintf("The server is busy with large messages (%d of its %d MiB in use); try again in a moment.",
			mem.Used()>>20, mem.Max()>>20), http.StatusServiceUnavailable)
	})
}

// heldWhole reports whether r reads archived messages whole: GET
// /g/{id}/messages and /g/{id}/messages/{uid}/part/{n} of the console
// (web/messages.go), not its live event stream.
func heldWhole(r *http.Request) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/g/")
	if !ok {
		return false
	}
	_, tail, _ := strings.Cut(rest, "/")
	return (tail == "messages" || strings.HasPrefix(tail, "messages/")) && tail != "messages/events"
}
