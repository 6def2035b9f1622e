package webdav

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"groupd/config"
	"groupd/e2e/internal/e2etest"
	"groupd/internal/testkit"
)

const pw = e2etest.Password

// env is a running daemon seeded with alice (master) and bob (member) of
// "team" (public) and of "hidden" (private); carol is in no group.
type env struct {
	t testing.TB
	d *e2etest.Daemon
}

// start runs the daemon (edit may change its config) and seeds it.
func start(t testing.TB, edit func(*config.Config)) *env {
	t.Helper()
	e := &env{t: t, d: e2etest.Start(t, edit)}
	e.d.Team(t)
	e.d.Group(t, "hidden", "Hidden", "alice@example.test", []string{"bob@example.test"},
		map[string]any{"public": false})
	return e
}

// restart shuts the daemon down and starts a new one on the same data_dir,
// as an operator's restart would.
func (e *env) restart() {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := e.d.Shutdown(ctx); err != nil {
		e.t.Fatalf("shutdown: %v", err)
	}
	old := e.d.Config
	e.d = e2etest.Start(e.t, func(c *config.Config) {
		c.DataDir = old.DataDir
		c.DAV = old.DAV
	})
}

// url is the daemon's base URL plus path.
func (e *env) url(path string) string { return e.d.URL(path) }

type hdr map[string]string

// do sends a request as user (a name before @example.test; "" for no
// credentials) and returns the status, body and headers.
func (e *env) do(user, method, path string, body io.Reader, h hdr) (int, string, http.Header) {
	e.t.Helper()
	return testkit.Request(e.t, method, e.url(path), testkit.Email(user), pw, body, h)
}

// want sends a request and fails unless it is answered with code.
func (e *env) want(code int, user, method, path, body string, h hdr) string {
	e.t.Helper()
	got, b, _ := e.do(user, method, path, strings.NewReader(body), h)
	if got != code {
		e.t.Fatalf("%s %s as %q: got %d, want %d: %s", method, path, user, got, code, b)
	}
	return b
}

// put writes a file: 201 when new, 204 when it replaced one.
func (e *env) put(user, path, body string) {
	e.t.Helper()
	code, b, _ := e.do(user, "PUT", path, strings.NewReader(body), nil)
	if code != http.StatusCreated && code != http.StatusNoContent {
		e.t.Fatalf("PUT %s as %q: %d %s", path, user, code, b)
	}
}

func (e *env) get(user, path string) string {
	e.t.Helper()
	return e.want(http.StatusOK, user, "GET", path, "", nil)
}

const propfindAll = `<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:allprop/></D:propfind>`

func lockBody(scope string) string {
	return `<?xml version="1.0" encoding="utf-8"?><D:lockinfo xmlns:D="DAV:"><D:lockscope><D:` + scope +
		`/></D:lockscope><D:locktype><D:write/></D:locktype><D:owner><D:href>mailto:bob@example.test</D:href></D:owner></D:lockinfo>`
}

// lock takes a lock with a 10-minute timeout and returns its token.
func (e *env) lock(user, path, scope, depth string) string {
	e.t.Helper()
	code, b, h := e.do(user, "LOCK", path, strings.NewReader(lockBody(scope)), hdr{"Depth": depth, "Timeout": "Second-600"})
	if code != http.StatusOK && code != http.StatusCreated {
		e.t.Fatalf("LOCK %s: %d %s", path, code, b)
	}
	tok := strings.Trim(h.Get("Lock-Token"), "<>")
	if !strings.HasPrefix(tok, "urn:uuid:") || !strings.Contains(b, tok) {
		e.t.Fatalf("LOCK %s: token %q, body %s", path, tok, b)
	}
	return tok
}

func mustContain(t testing.TB, s string, subs ...string) {
	t.Helper()
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			t.Fatalf("%q not in:\n%s", sub, s)
		}
	}
}

func mustNotContain(t testing.TB, s string, subs ...string) {
	t.Helper()
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			t.Fatalf("%q unexpectedly in:\n%s", sub, s)
		}
	}
}
