package api

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestAuthentication(t *testing.T) {
	e := newEnv(t)
	e.users("alice@example.test")
	cases := []struct {
		name string
		w    who
		says string
	}{
		{"no credentials", nobody, "log in"},
		{"wrong token", who{bearer: "not-the-token"}, "admin token"},
		{"token prefix", who{bearer: testToken[:10]}, "admin token"},
		{"wrong password", who{user: "alice@example.test", pass: "password2"}, "wrong email or password"},
		{"unknown user", as("mallory@example.test"), "wrong email or password"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, path := range []string{"/api/v1/groups", "/api/v1/users", "/api/v1/groups/x/notes", "/api/v1/no-such-route"} {
				r := e.do(c.w, "GET", path, nil)
				e.wantErr(401, "unauthenticated", c.says, r)
				if got := r.header.Get("WWW-Authenticate"); !strings.HasPrefix(got, `Basic realm="groupd"`) {
					t.Errorf("%s: WWW-Authenticate %q", path, got)
				}
			}
		})
	}
	e.want(200, e.do(admin, "GET", "/api/v1/users", nil))
	e.want(200, e.do(as("alice@example.test"), "GET", "/api/v1/groups", nil))
	// A user with the admin flag has an admin's rights through Basic.
	e.want(201, e.do(admin, "POST", "/api/v1/users", map[string]any{
		"email": "root@example.test", "name": "Root", "password": "password1", "admin": true}))
	e.want(200, e.do(as("root@example.test"), "GET", "/api/v1/users", nil))
	e.wantErr(403, "forbidden", "administrators", e.do(as("alice@example.test"), "GET", "/api/v1/users", nil))
}

func TestUnknownRouteAndMethod(t *testing.T) {
	e := newEnv(t)
	e.wantErr(404, "not_found", "no such API route", e.do(admin, "GET", "/api/v1/nothing", nil))
	r := e.do(admin, "POST", "/api/v1/policy", "{}")
	e.wantErr(405, "method_not_allowed", "not allowed", r)
	if allow := r.header.Get("Allow"); !strings.Contains(allow, "GET") || !strings.Contains(allow, "PUT") {
		t.Errorf("Allow %q", allow)
	}
}

func TestCrossOriginRefused(t *testing.T) {
	e := newEnv(t)
	e.users("alice@example.test")
	req := func(method, origin, site string) resp {
		hreq, _ := http.NewRequest(method, e.srv.URL+"/api/v1/groups", strings.NewReader(`{"name": "CSRF"}`))
		hreq.SetBasicAuth("alice@example.test", "password1")
		if origin != "" {
			hreq.Header.Set("Origin", origin)
		}
		if site != "" {
			hreq.Header.Set("Sec-Fetch-Site", site)
		}
		res, err := e.srv.Client().Do(hreq)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return resp{status: res.StatusCode, header: res.Header, body: body}
	}
	e.wantErr(403, "forbidden", "cross-origin", req("POST", "https://evil.example", ""))
	e.wantErr(403, "forbidden", "cross-origin", req("POST", "", "cross-site"))
	e.want(200, req("GET", "https://evil.example", "cross-site"))
	e.want(201, req("POST", "", "same-origin"))
	if got := e.list(admin, "/api/v1/groups"); got != "csrf" {
		t.Errorf("groups %q: only the same-origin request may create one", got)
	}
}

func TestRoute(t *testing.T) {
	h, err := New(Options{Store: newEnv(t).store, AdminToken: "x"})
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		"/api/v1/groups/team/notes/7": "GET /api/v1/groups/{id}/notes/{note}",
		"/api/v1/groups":              "GET /api/v1/groups",
		"/api/v1/nothing":             "",
	} {
		r, _ := http.NewRequest("GET", "http://x"+path, nil)
		if got := Route(h, r); got != want {
			t.Errorf("Route(%s) = %q, want %q", path, got, want)
		}
	}
}
