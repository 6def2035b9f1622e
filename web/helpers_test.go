package web

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"groupd/groups"
	"groupd/internal/testdb"
	"groupd/internal/testkit"
)

// testEnv is a console on a real store in a temporary directory, served
// by httptest, with the users alice (admin: no), bob and eve, password
// "password1".
type testEnv struct {
	store *groups.Store
	srv   *httptest.Server
	opts  Options
}

// newTestEnv starts a console; mod may change the options first.
func newTestEnv(t *testing.T, mod ...func(*Options)) *testEnv {
	t.Helper()
	db := testdb.New(t)
	st, err := groups.Open(testkit.StoreOptions(groups.Options{Driver: db.Driver, DSN: db.DSN, Path: db.Path, BlobDir: db.BlobDir,
		MailDomains: []string{"lists.example.test"}, InternalDomains: []string{"example.test"},
		HashParams: &groups.HashParams{Time: 1, Memory: 64, Threads: 1}}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	opts := Options{Store: st}
	for _, m := range mod {
		m(&opts)
	}
	h, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	e := &testEnv{store: st, srv: srv, opts: opts}
	for _, u := range []string{"alice", "bob", "eve"} {
		e.user(t, u+"@example.test", strings.ToUpper(u[:1])+u[1:], false)
	}
	return e
}

// user creates an account with the password "password1".
func (e *testEnv) user(t *testing.T, email, name string, admin bool) {
	t.Helper()
	pw := "password1"
	_, err := e.store.CreateUser(context.Background(), groups.AdminActor(),
		groups.UserSpec{Email: &email, Name: &name, Password: &pw, Admin: &admin})
	if err != nil {
		t.Fatal(err)
	}
}

// group creates a group as its master (email) with spec's name.
func (e *testEnv) group(t *testing.T, master string, spec groups.GroupSpec) *groups.Group {
	t.Helper()
	g, err := e.store.CreateGroup(context.Background(), groups.Actor{Email: master}, spec)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// client is a browser: a cookie jar, no automatic redirects, and the
// CSRF token of the last page it read.
type client struct {
	e    *testEnv
	http *http.Client
	csrf string
}

func (e *testEnv) browser(t *testing.T) *client {
	jar, _ := cookiejar.New(nil)
	return &client{e: e, http: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// signin signs in through the form as a browser does and fails the test
// if that does not land on a page.
func (e *testEnv) signin(t *testing.T, email, password string) *client {
	t.Helper()
	cl := e.browser(t)
	cl.get(t, "/signin")
	st, body, loc := cl.postForm(t, "/signin", url.Values{"email": {email}, "password": {password}, "next": {"/groups"}})
	if st != http.StatusSeeOther || loc != "/groups" {
		t.Fatalf("sign in as %s: %d to %q\n%s", email, st, loc, body)
	}
	cl.get(t, "/groups") // for the session's CSRF token
	return cl
}

var csrfRE = regexp.MustCompile(`name="_csrf" value="([^"]+)"|[?&]_csrf=([^"&]+)`)

// do sends a request and returns the status, body and Location.
func (cl *client) do(t *testing.T, req *http.Request) (int, string, string) {
	t.Helper()
	resp, err := cl.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	if _, err := copyLimited(&b, resp); err != nil {
		t.Fatal(err)
	}
	body := b.String()
	if m := csrfRE.FindStringSubmatch(body); m != nil {
		cl.csrf = m[1] + m[2]
	}
	return resp.StatusCode, body, resp.Header.Get("Location")
}

// get reads a page.
func (cl *client) get(t *testing.T, path string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", cl.e.srv.URL+path, nil)
	st, body, _ := cl.do(t, req)
	return st, body
}

// postForm posts a urlencoded form as a browser does, with the CSRF
// token of the last page read (unless form sets _csrf itself) and the
// Origin header.
func (cl *client) postForm(t *testing.T, path string, form url.Values) (int, string, string) {
	t.Helper()
	if _, ok := form["_csrf"]; !ok {
		form.Set("_csrf", cl.csrf)
	}
	req, _ := http.NewRequest("POST", cl.e.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", cl.e.srv.URL)
	return cl.do(t, req)
}

// text is a page's visible text, roughly: tags removed, spaces folded.
func text(body string) string {
	body = regexp.MustCompile(`(?s)<script.*?</script>|<[^>]+>`).ReplaceAllString(body, " ")
	return strings.Join(strings.Fields(html.UnescapeString(body)), " ")
}

// copyLimited reads at most 8 MiB of a response body.
func copyLimited(b *strings.Builder, resp *http.Response) (int64, error) {
	return io.Copy(b, io.LimitReader(resp.Body, 8<<20))
}
