package daemon

import (
	"os"
	"path/filepath"
)

// The global limits of [limits] (issue 16 finding 6): one memory budget
// (limits.memory_budget, d.mem) that SMTP, IMAP and the queue take from
// before they hold a message whole, and one connection budget
// (limits.max_connections, d.conns) over all the listeners. At the limit
// SMTP answers 452 4.3.1 (or 421 4.7.0 for a connection), IMAP NO
// [LIMIT] (or BYE [UNAVAILABLE]), and the console's message pages 503
// with Retry-After (web/busy.go).

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
