// Package budget is a weighted semaphore for the daemon's global limits
// (issue 16 finding 6). The memory budget is counted in bytes: every
// protocol takes from it before it holds a large message in memory (an
// SMTP post's list copy, an IMAP message loaded for FETCH, a message the
// queue hands to the relay). The connection budget is counted in
// connections, across all listeners. When a budget is spent, new work is
// refused with a temporary error (SMTP 421 or 452 4.3.1, IMAP NO [LIMIT]
// or BYE [UNAVAILABLE], HTTP 503 with Retry-After) instead of growing the
// process until it is at risk.
package budget
