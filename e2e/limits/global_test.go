package limits

import (
	"testing"

	"groupd/config"
)

// TestMaxConnections: limits.max_connections counts the connections of
// all listeners and addresses together. Beyond it SMTP answers 421 4.7.0,
// IMAP BYE [UNAVAILABLE] and HTTP 503 with Retry-After, each saying the
// server (not the address) is full; once one connection goes, a new one
// is served.
func TestMaxConnections(t *testing.T) {
	d := start(t, func(l *config.Limits) { l.MaxConnections = 3 })
	a := dialFrom(t, "127.0.0.2", d.Addr("smtp"))
	wantPrefix(t, "first", a.read(), "220 ")
	b := dialFrom(t, "127.0.0.3", d.Addr("imap"))
	wantPrefix(t, "second", b.read(), "* OK")
	c := dialFrom(t, "127.0.0.4", d.Addr("submission"))
	wantPrefix(t, "third", c.read(), "220 ")

	wantPrefix(t, "SMTP beyond", dialFrom(t, "127.0.0.5", d.Addr("smtp")).read(), "421 4.7.0 lists.example.test Too many connections; try again later")
	wantPrefix(t, "IMAP beyond", dialFrom(t, "127.0.0.5", d.Addr("imap")).read(), "* BYE [UNAVAILABLE] The server has too many connections")
	res := get(t, d.URL("/healthz"))
	if res.code != 503 || res.retry == "" || res.body != "The server has too many connections; try again in a moment.\n" {
		t.Fatalf("HTTP beyond: %+v", res)
	}

	a.send("QUIT")
	a.closed()
	wantPrefix(t, "after one left", dialFrom(t, "127.0.0.5", d.Addr("smtp")).read(), "220 ")
}
