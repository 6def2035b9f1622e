package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"groupd/groups"
	"groupd/internal/testdb"
	"groupd/internal/testkit"
)

const testToken = "test-admin-token-0123456789"

// env is one API server on loopback over a real store.
type env struct {
	t     *testing.T
	srv   *httptest.Server
	store *groups.Store
}

func newEnv(t *testing.T) *env { return newEnvWith(t, Options{}) }

func newEnvWith(t *testing.T, opts Options) *env {
	t.Helper()
	db := testdb.New(t)
	st, err := groups.Open(testkit.StoreOptions(groups.Options{
		Driver: db.Driver, DSN: db.DSN, Path: db.Path, BlobDir: db.BlobDir,
		MailDomains:     []string{"lists.example.test"},
		InternalDomains: []string{"example.test"},
		HashParams:      &groups.HashParams{Time: 1, Memory: 64, Threads: 1},
		Throttle:        groups.ThrottleOptions{Delay: time.Millisecond, MaxDelay: 5 * time.Millisecond},
	}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	opts.Store, opts.AdminToken = st, testToken
	h, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &env{t: t, srv: srv, store: st}
}

// who says how a request authenticates.
type who struct {
	bearer     string
	user, pass string
}

var (
	admin  = who{bearer: testToken}
	nobody = who{}
)

func as(email string) who { return who{user: email, pass: "password1"} }

// resp is an answer as a client sees it.
type resp struct {
	status int
	header http.Header
	body   []byte
}

func (r resp) String() string { return string(r.body) }

// do sends a request; body is JSON-encoded unless it is a string or []byte,
// which are sent as they are.
func (e *env) do(w who, method, path string, body any) resp {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, e.srv.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if w.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+w.bearer)
	} else if w.user != "" {
		req.SetBasicAuth(w.user, w.pass)
	}
	res, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp{status: res.StatusCode, header: res.Header, body: data}
}

// want checks the status and, for errors, the JSON error code; it returns
// the answer for further checks.
func (e *env) want(status int, r resp) resp {
	e.t.Helper()
	if r.status != status {
		e.t.Fatalf("status %d, want %d; body %s", r.status, status, r.body)
	}
	if status >= 400 {
		var eb errorBody
		if err := json.Unmarshal(r.body, &eb); err != nil || eb.Error == "" || eb.Code == "" {
			e.t.Fatalf("error body %q is not {\"error\",\"code\"}", r.body)
		}
		if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			e.t.Fatalf("error Content-Type %q", ct)
		}
	}
	return r
}

// wantErr checks an error answer's status, code and that its sentence
// mentions says.
func (e *env) wantErr(status int, code, says string, r resp) {
	e.t.Helper()
	e.want(status, r)
	var eb errorBody
	json.Unmarshal(r.body, &eb)
	if eb.Code != code {
		e.t.Fatalf("code %q, want %q (%s)", eb.Code, code, r.body)
	}
	if !strings.Contains(eb.Error, says) {
		e.t.Fatalf("error %q does not say %q", eb.Error, says)
	}
}

func decodeAs[T any](t *testing.T, r resp) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
	return v
}

// users creates accounts with the password "password1".
func (e *env) users(emails ...string) {
	e.t.Helper()
	for _, m := range emails {
		e.want(201, e.do(admin, "POST", "/api/v1/users", map[string]any{"email": m, "name": m, "password": "password1"}))
	}
}

// group creates a group as w from a JSON body and returns it.
func (e *env) group(w who, body map[string]any) groups.Group {
	e.t.Helper()
	return decodeAs[groups.Group](e.t, e.want(201, e.do(w, "POST", "/api/v1/groups", body)))
}

func summaryIDs(list []groups.Summary) string {
	var ids []string
	for _, s := range list {
		ids = append(ids, s.ID)
	}
	return strings.Join(ids, ",")
}
