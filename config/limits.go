package config

import "fmt"

// Limits is the [limits] table: caps that stop one client from starving
// the others. Each refusal is a protocol error that says what happened.
type Limits struct {
	// MaxConnectionsPerIP caps simultaneous connections from one address
	// on each listener. Beyond it SMTP and submission answer 421 4.7.0
	// (RFC 5321 §3.8), IMAP BYE [UNAVAILABLE] (RFC 9051 §7.1.5) and HTTP
	// 503 with Retry-After (RFC 9110 §15.6.4), then close. IMAP counts
	// its plaintext and TLS listeners together. Default 50.
	MaxConnectionsPerIP int `toml:"max_connections_per_ip"`
	// MaxHTTPRequests caps HTTP requests in progress at once (API, DAV,
	// health, metrics); beyond it the answer is 503 with Retry-After.
	// Default 256.
	MaxHTTPRequests int `toml:"max_http_requests"`
	// MaxRequestBytes bounds an API JSON body and a CalDAV XML body
	// (PROPFIND, PROPPATCH, REPORT); beyond it 413 (RFC 9110 §15.5.14).
	// File and calendar object uploads are bounded by dav.folder_quota
	// and dav.max_object_bytes instead. Default 1 MiB.
	MaxRequestBytes int64 `toml:"max_request_bytes"`
	// MaxSMTPCommands caps the commands of one SMTP or submission
	// session; beyond it the server answers 421 4.7.0 and closes.
	// Default 1000.
	MaxSMTPCommands int `toml:"max_smtp_commands"`
	// MaxConnections caps simultaneous connections to all listeners
	// together, whatever their address; beyond it the same answers as
	// max_connections_per_ip. Default 1000.
	MaxConnections int `toml:"max_connections"`
	// MemoryBudget is the bytes that messages held whole in memory may
	// take together: SMTP list copies and relayed submissions, IMAP
	// FETCH loads, the queue's messages on their way to the relay and
	// the search indexing (counted at three times their size: each is
	// copied on its way to and from SQLite). Messages are read to spool
	// files, not memory. When the budget is spent, SMTP answers 452
	// 4.3.1, IMAP NO [LIMIT] (RFC 5530 §3), the console's message pages
	// 503 with Retry-After (past nine tenths), and the queue waits. Default 64 MiB; at least
	// 16 MiB.
	MemoryBudget int64 `toml:"memory_budget"`
}

func limitsDefaults() Limits {
	return Limits{MaxConnectionsPerIP: 50, MaxHTTPRequests: 256, MaxRequestBytes: 1 << 20, MaxSMTPCommands: 1000,
		MaxConnections: 1000, MemoryBudget: 64 << 20}
}

func (l Limits) problems() []error {
	var errs []error
	positive := func(key string, v int64, unit string) {
		if v <= 0 {
			errs = append(errs, fmt.Errorf("limits.%s: %d is not a positive number of %s", key, v, unit))
		}
	}
	positive("max_connections_per_ip", int64(l.MaxConnectionsPerIP), "connections")
	positive("max_http_requests", int64(l.MaxHTTPRequests), "requests")
	positive("max_request_bytes", l.MaxRequestBytes, "bytes")
	positive("max_smtp_commands", int64(l.MaxSMTPCommands), "commands")
	positive("max_connections", int64(l.MaxConnections), "connections")
	if l.MemoryBudget < minMemoryBudget {
		errs = append(errs, fmt.Errorf("limits.memory_budget: %d bytes is too little to hold a message; at least %d (16 MiB)", l.MemoryBudget, minMemoryBudget))
	}
	if l.MaxSMTPCommands > 0 && l.MaxSMTPCommands < minSMTPCommands {
		errs = append(errs, fmt.Errorf("limits.max_smtp_commands: %d is too few for one message (EHLO, MAIL, RCPT, DATA, QUIT); at least %d", l.MaxSMTPCommands, minSMTPCommands))
	}
	return errs
}

// minSMTPCommands lets a session send at least one message.
const minSMTPCommands = 5

// minMemoryBudget holds a few ordinary messages at once (one larger than
// the budget is still taken, alone).
const minMemoryBudget = 16 << 20
