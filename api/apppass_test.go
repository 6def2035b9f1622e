package api

import (
	"strconv"
	"testing"

	"groupd/groups"
)

func TestAppPasswordsOverAPI(t *testing.T) {
	e := newEnv(t)
	e.users("alice@example.test", "bob@example.test")
	alice := as("alice@example.test")
	r := e.want(201, e.do(alice, "POST", "/api/v1/users/alice@example.test/app-passwords", map[string]any{"name": "DAVx5 on phone"}))
	ap := decodeAs[groups.AppPassword](t, r)
	if ap.Password == "" || r.header.Get("Location") == "" {
		t.Fatalf("no secret or Location: %s", r)
	}
	phone := who{user: "alice@example.test", pass: ap.Password}
	e.want(200, e.do(phone, "GET", "/api/v1/groups?view=belong", nil))
	// Issue 16 item 2: an app password reaches group data, not the account.
	e.wantErr(403, "forbidden", "app password is for", e.do(phone, "PATCH", "/api/v1/users/alice@example.test",
		map[string]any{"password": "taken-over-now", "current_password": "password1"}))
	e.wantErr(403, "forbidden", "app password is for", e.do(phone, "PATCH", "/api/v1/users/alice@example.test",
		map[string]any{"name": "Mallory"}))
	e.wantErr(403, "forbidden", "app password is for", e.do(phone, "POST", "/api/v1/users/alice@example.test/app-passwords",
		map[string]any{"name": "another"}))
	e.wantErr(403, "forbidden", "app password is for", e.do(phone, "GET", "/api/v1/users/alice@example.test/app-passwords", nil))
	e.want(200, e.do(alice, "GET", "/api/v1/users/alice@example.test", nil)) // the password is unchanged
	e.wantErr(403, "forbidden", "app passwords", e.do(as("bob@example.test"), "GET", "/api/v1/users/alice@example.test/app-passwords", nil))
	list := decodeAs[struct {
		AppPasswords []groups.AppPassword `json:"app_passwords"`
	}](t,
		e.want(200, e.do(alice, "GET", "/api/v1/users/alice@example.test/app-passwords", nil)))
	if len(list.AppPasswords) != 1 || list.AppPasswords[0].Password != "" {
		t.Fatalf("list leaks or lacks: %+v", list)
	}
	e.want(204, e.do(alice, "DELETE", "/api/v1/users/alice@example.test/app-passwords/"+itoa(ap.ID), nil))
	e.wantErr(401, "unauthenticated", "wrong email or password", e.do(phone, "GET", "/api/v1/groups", nil))
	e.wantErr(404, "not_found", "no such app password", e.do(alice, "DELETE", "/api/v1/users/alice@example.test/app-passwords/x", nil))
}

func TestBruteForceOverAPIGets429(t *testing.T) {
	e := newEnv(t)
	e.users("alice@example.test")
	// The store's throttle is per client IP: every request here comes from
	// 127.0.0.1, so after 20 failures the address is refused, with 429.
	var last resp
	for range 21 {
		last = e.do(who{user: "alice@example.test", pass: "wrong-password"}, "GET", "/api/v1/groups", nil)
	}
	e.wantErr(429, "throttled", "too many failed logins", last)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
