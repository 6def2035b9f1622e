package daemon

import (
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"

	"groupd/internal/budget"
)

// The global limits of [limits] (issue 16 finding 6): one memory budget
// (limits.memory_budget, d.mem) that SMTP, IMAP and the queue take from
// before they hold a message whole, and one connection budget
// (limits.max_connections, d.conns) over all the listeners. At the limit
// SMTP answers 452 4.3.1 (or 421 4.7.0 for a connection), IMAP NO
// [LIMIT] (or BYE [UNAVAILABLE]), HTTP 503 with Retry-After.

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
// to a new request while more than nine tenths of the memory budget are
// taken, so that large messages in progress finish; /healthz and
// /metrics still answer.
func limitMemory(mem *budget.Budget, log *slog.Logger, next http.Handler) http.Handler {
	var refusing atomic.Bool // logged once per stretch of refusals
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !mem.Busy() || r.URL.Path == "/healthz" || r.URL.Path == "/metrics" {
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
