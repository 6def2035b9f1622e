package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"groupd/groups"
	"groupd/internal/testdb"
	"groupd/internal/testkit"
)

// fuzzRoutes are the JSON-reading routes a fuzzed body is sent to.
var fuzzRoutes = []struct{ method, path string }{
	{"POST", "/api/v1/groups"},
	{"PATCH", "/api/v1/groups/team"},
	{"POST", "/api/v1/users"},
	{"PATCH", "/api/v1/users/alice@example.test"},
	{"PUT", "/api/v1/groups/team/members/bob@example.test"},
	{"POST", "/api/v1/groups/team/notes"},
	{"POST", "/api/v1/groups/team/purge"},
	{"PUT", "/api/v1/policy"},
}

// FuzzAPIJSON sends fuzzed bodies, as the admin, to every route that
// decodes JSON, through the real handler over a real store. Properties:
// no panic; never a 5xx (bad input is the client's fault); every error is
// JSON {"error","code"} with a sentence; a 2xx answer is valid JSON.
func FuzzAPIJSON(f *testing.F) {
	for i, s := range []string{
		`{"id":"team","name":"Team","masters":["alice@example.test"]}`,
		`{"name":"Team 2","description":"x","public":false,"features":{"note":false}}`,
		`{"email":"carol@example.test","name":"Carol","password":"password1"}`,
		`{"name":"Alice A."}`,
		`{"role":"master"}`,
		`{"title":"n","body":"b"}`,
		`{"features":["folder","note"]}`,
		`{"create_groups":"admins","disabled_features":["folder"]}`,
		`{"id":1}`, `{"name":"x"} {"name":"y"}`, `{"nope":true}`, `[`, ``, `null`, `"str"`,
		`{"mailing_list":{"address":"a@b","send_restriction":"listed","allowed":[1]}}`,
		`{"name":"` + strings.Repeat("é", 200) + `"}`,
	} {
		f.Add(uint8(i), []byte(s))
	}
	h := fuzzHandler(f)
	f.Fuzz(func(t *testing.T, route uint8, body []byte) {
		r := fuzzRoutes[int(route)%len(fuzzRoutes)]
		w := serve(h, r.method, r.path, body)
		res := w.Result()
		if res.StatusCode >= 500 {
			t.Fatalf("%s %s %q: %d %s", r.method, r.path, body, res.StatusCode, w.Body)
		}
		if res.StatusCode >= 400 {
			var eb errorBody
			if err := json.Unmarshal(w.Body.Bytes(), &eb); err != nil || eb.Error == "" || eb.Code == "" {
				t.Fatalf("%s %s %q: error body %q", r.method, r.path, body, w.Body)
			}
			if res.StatusCode != http.StatusNotFound && len(eb.Error) < 8 {
				t.Fatalf("unclear error %q", eb.Error)
			}
			return
		}
		if w.Body.Len() > 0 && !json.Valid(w.Body.Bytes()) {
			t.Fatalf("%s %s: %d answer %q is not JSON", r.method, r.path, res.StatusCode, w.Body)
		}
	})
}

// fuzzHandler is the API over a fresh store holding alice, bob and the
// group team (alice master, bob member), built once per fuzz worker.
func fuzzHandler(f *testing.F) http.Handler {
	f.Helper()
	db := testdb.New(f)
	st, err := groups.Open(testkit.StoreOptions(groups.Options{
		Driver: db.Driver, DSN: db.DSN, Path: db.Path, BlobDir: db.BlobDir,
		MailDomains:     []string{"lists.example.test"},
		InternalDomains: []string{"example.test"},
		HashParams:      &groups.HashParams{Time: 1, Memory: 64, Threads: 1},
		Throttle:        groups.ThrottleOptions{Delay: time.Millisecond, MaxDelay: 5 * time.Millisecond},
	}))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { st.Close() })
	h, err := New(Options{Store: st, AdminToken: testToken, MaxBodyBytes: 4096})
	if err != nil {
		f.Fatal(err)
	}
	for _, b := range []string{
		`{"email":"alice@example.test","name":"Alice","password":"password1"}`,
		`{"email":"bob@example.test","name":"Bob","password":"password1"}`,
	} {
		if w := serve(h, "POST", "/api/v1/users", []byte(b)); w.Code != http.StatusCreated {
			f.Fatalf("create user: %d %s", w.Code, w.Body)
		}
	}
	g := `{"id":"team","name":"Team","masters":["alice@example.test"],"members":["bob@example.test"]}`
	if w := serve(h, "POST", "/api/v1/groups", []byte(g)); w.Code != http.StatusCreated {
		f.Fatalf("create group: %d %s", w.Code, w.Body)
	}
	return h
}

// serve sends one request as the admin straight to h.
func serve(h http.Handler, method, path string, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+testToken)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}
