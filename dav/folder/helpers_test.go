package folder

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"groupd/groups"
	"groupd/internal/testdb"
	"groupd/internal/testkit"
)

const pw = "password1"

// env is a store with users, groups and the handler on a loopback server:
// alice is master and bob member of "team" (public) and of "hidden"
// (private); carol is in no group.
type env struct {
	t     testing.TB
	db    testdb.DB
	store *groups.Store
	srv   *httptest.Server
	opts  Options
}

func openStore(t testing.TB, db testdb.DB) *groups.Store {
	t.Helper()
	s, err := groups.Open(testkit.StoreOptions(groups.Options{
		Driver: db.Driver, DSN: db.DSN, Path: db.Path, BlobDir: db.BlobDir,
		MailDomains:     []string{"lists.example.test"},
		InternalDomains: []string{"example.test"},
		HashParams:      &groups.HashParams{Time: 1, Memory: 64, Threads: 1},
	}))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func newEnv(t testing.TB, opts Options) *env {
	t.Helper()
	e := &env{t: t, db: testdb.New(t), opts: opts}
	e.store = openStore(t, e.db)
	ctx, admin := context.Background(), groups.AdminActor()
	for _, u := range []string{"alice", "bob", "carol"} {
		email, name, p := u+"@example.test", u, pw
		if _, err := e.store.CreateUser(ctx, admin, groups.UserSpec{Email: &email, Name: &name, Password: &p}); err != nil {
			t.Fatal(err)
		}
	}
	for _, g := range []struct {
		id     string
		public bool
	}{{"team", true}, {"hidden", false}} {
		id, name, public := g.id, g.id, g.public
		if _, err := e.store.CreateGroup(ctx, groups.Actor{Email: "alice@example.test"}, groups.GroupSpec{
			ID: &id, Name: &name, Public: &public, Members: []string{"bob@example.test"}}); err != nil {
			t.Fatal(err)
		}
	}
	e.serve()
	t.Cleanup(func() {
		e.srv.Close()
		e.store.Close()
	})
	return e
}

// serve starts (or restarts) the handler on a new loopback server.
func (e *env) serve() {
	e.t.Helper()
	opts := e.opts
	opts.Store = e.store
	h, err := New(opts)
	if err != nil {
		e.t.Fatal(err)
	}
	if e.srv != nil {
		e.srv.Close()
	}
	e.srv = httptest.NewServer(h)
}

// reopen closes the store and the server and opens both again on the
// same files, as a restart of the daemon would.
func (e *env) reopen() {
	e.t.Helper()
	e.srv.Close()
	e.store.Close()
	e.store = openStore(e.t, e.db)
	e.srv = nil
	e.serve()
}

type hdr map[string]string

// do sends a request as user ("" for none) and returns the status and body.
func (e *env) do(user, method, path string, body io.Reader, h hdr) (int, string, http.Header) {
	e.t.Helper()
	return testkit.Request(e.t, method, e.srv.URL+path, testkit.Email(user), pw, body, h)
}

// want sends a request and fails unless it is answered with code.
func (e *env) want(code int, user, method, path, body string, h hdr) string {
	e.t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	got, b, _ := e.do(user, method, path, r, h)
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
