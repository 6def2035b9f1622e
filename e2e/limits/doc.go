// Package limits holds no code: its tests run the real daemon with small
// [limits] and check that each limit, when hit, gives the client a clear
// protocol error — SMTP 421 4.7.0, IMAP BYE [UNAVAILABLE], HTTP 503 with
// Retry-After or 413 — while other clients, and the same client once it
// is back within the limit, are served.
package limits
