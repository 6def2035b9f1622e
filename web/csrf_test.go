package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"groupd/groups"
)

// TestCSRFCheck: a state change needs the session's token (form field,
// header or, for uploads, the query) and must not come cross-origin.
func TestCSRFCheck(t *testing.T) {
	e := newTestEnv(t)
	s := &server{csrf: http.NewCrossOriginProtection()}
	const want = "the-token-of-this-session-0123456789abcdefghij"
	form := func(body string, h map[string]string) *http.Request {
		r := httptest.NewRequest("POST", "http://groupd.test/g/x/edit", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range h {
			r.Header.Set(k, v)
		}
		return r
	}
	cases := []struct {
		name string
		r    *http.Request
		ok   bool
	}{
		{"field", form("_csrf="+want, nil), true},
		{"header", form("", map[string]string{"X-CSRF-Token": want}), true},
		{"same-origin browser", form("_csrf="+want, map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": "http://groupd.test"}), true},
		{"no token", form("name=x", nil), false},
		{"wrong token", form("_csrf="+want+"x", nil), false},
		{"empty token", form("_csrf=", nil), false},
		{"cross-site with the token", form("_csrf="+want, map[string]string{"Sec-Fetch-Site": "cross-site"}), false},
		{"other origin with the token", form("_csrf="+want, map[string]string{"Origin": "https://evil.example"}), false},
	}
	up := httptest.NewRequest("POST", "http://groupd.test/g/x/folder?_csrf="+want, strings.NewReader("--b--"))
	up.Header.Set("Content-Type", "multipart/form-data; boundary=b")
	cases = append(cases, struct {
		name string
		r    *http.Request
		ok   bool
	}{"upload with the token in the query", up, true})
	for _, c := range cases {
		err := s.checkCSRF(c.r, want)
		if (err == nil) != c.ok {
			t.Errorf("%s: err %v, want ok %v", c.name, err, c.ok)
		}
	}

	// Through the console: a form posted without its token gets 403 and
	// changes nothing.
	e.group(t, "alice@example.test", groups.GroupSpec{ID: str("team"), Name: str("Team")})
	alice := e.signin(t, "alice@example.test", "password1")
	st, body, _ := alice.postForm(t, "/g/team/delete", url.Values{"_csrf": {""}, "confirm_name": {"Team"}})
	if st != http.StatusForbidden || !strings.Contains(text(body), "did not come from this site") {
		t.Fatalf("delete without token: %d %s", st, text(body))
	}
	if st, _ := alice.get(t, "/g/team"); st != 200 {
		t.Fatalf("the group is gone after a refused delete: %d", st)
	}
	// The sign-in form needs its own token too (login CSRF).
	cl := e.browser(t)
	cl.get(t, "/signin")
	st, _, _ = cl.postForm(t, "/signin", url.Values{"_csrf": {"forged"}, "email": {"alice@example.test"}, "password": {"password1"}})
	if st != http.StatusForbidden {
		t.Fatalf("sign-in with a forged token: %d", st)
	}
}
