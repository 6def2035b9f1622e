package calendar

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-ical"
	"github.com/emersion/go-webdav"
	gocaldav "github.com/emersion/go-webdav/caldav"

	"groupd/groups"
	"groupd/internal/testdb"
	"groupd/internal/testkit"
)

const pw = "password1"

// env is a real store with users and groups and the handler on a
// loopback server: alice is master and bob member of "team" (public) and
// "hidden" (private); carol is in no group.
type env struct {
	t     testing.TB
	db    testdb.DB
	store *groups.Store
	srv   *httptest.Server
}

func newEnv(t testing.TB, opts Options) *env {
	t.Helper()
	return newEnvIn(t, opts, "")
}

// newEnvIn is newEnv with the organisation's language lang ("" for the
// default).
func newEnvIn(t testing.TB, opts Options, lang string) *env {
	t.Helper()
	return newEnvClock(t, opts, lang, nil)
}

// newEnvClock is newEnvIn with the store's clock now (nil: the real one),
// for answers that must not depend on when the test runs.
func newEnvClock(t testing.TB, opts Options, lang string, now func() time.Time) *env {
	t.Helper()
	db := testdb.New(t)
	s, err := groups.Open(testkit.StoreOptions(groups.Options{
		Now:      now,
		Language: lang,
		Driver:   db.Driver, DSN: db.DSN, Path: db.Path, BlobDir: db.BlobDir,
		MailDomains:     []string{"lists.example.test"},
		InternalDomains: []string{"example.test"},
		HashParams:      &groups.HashParams{Time: 1, Memory: 64, Threads: 1},
	}))
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, db: db, store: s}
	ctx, admin := context.Background(), groups.AdminActor()
	for _, u := range []string{"alice", "bob", "carol"} {
		email, name, p := u+"@example.test", strings.ToUpper(u[:1])+u[1:], pw
		if _, err := s.CreateUser(ctx, admin, groups.UserSpec{Email: &email, Name: &name, Password: &p}); err != nil {
			t.Fatal(err)
		}
	}
	for _, g := range []struct {
		id, name string
		public   bool
	}{{"team", "The Team", true}, {"hidden", "Hidden Ones", false}} {
		id, name, public := g.id, g.name, g.public
		if _, err := s.CreateGroup(ctx, groups.Actor{Email: "alice@example.test"}, groups.GroupSpec{
			ID: &id, Name: &name, Public: &public, Members: []string{"bob@example.test"}}); err != nil {
			t.Fatal(err)
		}
	}
	opts.Store = s
	h, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	e.srv = httptest.NewServer(h)
	t.Cleanup(func() {
		e.srv.Close()
		s.Close()
	})
	return e
}

// client is go-webdav's CalDAV client logged in as user, on the bare
// server URL.
func (e *env) client(user string) *gocaldav.Client {
	e.t.Helper()
	hc := webdav.HTTPClientWithBasicAuth(http.DefaultClient, user+"@example.test", pw)
	c, err := gocaldav.NewClient(hc, e.srv.URL)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

type hdr map[string]string

// do sends a raw request as user ("" for none).
func (e *env) do(user, method, path, body string, h hdr) (int, string, http.Header) {
	e.t.Helper()
	return testkit.Request(e.t, method, e.srv.URL+path, testkit.Email(user), pw, strings.NewReader(body), h)
}

// ics builds a VCALENDAR around component lines.
func ics(comps ...string) string {
	return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" + strings.Join(comps, "") + "END:VCALENDAR\r\n"
}

// event builds a VEVENT from property lines.
func event(uid string, lines ...string) string {
	return "BEGIN:VEVENT\r\nUID:" + uid + "\r\nDTSTAMP:20250101T000000Z\r\n" + strings.Join(lines, "\r\n") + "\r\nEND:VEVENT\r\n"
}

func todo(uid string, lines ...string) string {
	return "BEGIN:VTODO\r\nUID:" + uid + "\r\nDTSTAMP:20250101T000000Z\r\n" + strings.Join(lines, "\r\n") + "\r\nEND:VTODO\r\n"
}

func parseICS(t testing.TB, s string) *ical.Calendar {
	t.Helper()
	cal, err := ical.NewDecoder(strings.NewReader(s)).Decode()
	if err != nil {
		t.Fatal(err)
	}
	return cal
}

// put stores an object as user through raw HTTP and returns the status
// and ETag.
func (e *env) put(user, path, body string, h hdr) (int, string) {
	e.t.Helper()
	if h == nil {
		h = hdr{}
	}
	h["Content-Type"] = "text/calendar; charset=utf-8"
	code, _, hd := e.do(user, "PUT", path, body, h)
	return code, hd.Get("ETag")
}

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func gocaldavClientAt(e *env, user, path string) (*gocaldav.Client, error) {
	hc := webdav.HTTPClientWithBasicAuth(http.DefaultClient, user+"@example.test", pw)
	return gocaldav.NewClient(hc, e.srv.URL+path)
}

// doRaw sends a request whose path is sent exactly as given (no cleaning
// or re-escaping by net/url).
func (e *env) doRaw(user, method, rawPath, body string, h hdr) (int, string, http.Header) {
	e.t.Helper()
	req := testkit.NewRequest(e.t, method, e.srv.URL+"/", testkit.Email(user), pw, strings.NewReader(body), h)
	req.URL.Opaque = rawPath
	return testkit.Send(e.t, nil, req)
}
