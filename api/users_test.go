package api

import (
	"strings"
	"testing"
	"time"

	"groupd/groups"
)

func TestUsers(t *testing.T) {
	e := newEnv(t)
	r := e.want(201, e.do(admin, "POST", "/api/v1/users",
		`{"email": "Alice@example.test", "name": "Alice", "password": "password1"}`))
	if loc := r.header.Get("Location"); loc != "/api/v1/users/alice@example.test" {
		t.Errorf("Location %q", loc)
	}
	u := decodeAs[groups.User](t, r)
	if u.Email != "alice@example.test" || u.Name != "Alice" || u.Admin || u.Created.Before(time.Now().Add(-time.Minute)) {
		t.Errorf("created %+v", u)
	}
	if strings.Contains(r.String(), "password") {
		t.Errorf("the answer shows the password: %s", r)
	}
	e.users("bob@example.test")

	list := decodeAs[struct{ Users []groups.User }](t, e.want(200, e.do(admin, "GET", "/api/v1/users", nil)))
	if len(list.Users) != 2 || list.Users[0].Email != "alice@example.test" {
		t.Errorf("list %+v", list)
	}
	page := decodeAs[struct{ Users []groups.User }](t, e.want(200, e.do(admin, "GET", "/api/v1/users?limit=1&offset=1", nil)))
	if len(page.Users) != 1 || page.Users[0].Email != "bob@example.test" {
		t.Errorf("page %+v", page)
	}
	e.wantErr(400, "bad_request", "limit", e.do(admin, "GET", "/api/v1/users?limit=ten", nil))

	// A user reads and edits themself, not others, and not the admin flag.
	alice := as("alice@example.test")
	e.want(200, e.do(alice, "GET", "/api/v1/users/alice@example.test", nil))
	e.wantErr(403, "forbidden", "administrators", e.do(alice, "GET", "/api/v1/users/bob@example.test", nil))
	got := decodeAs[groups.User](t, e.want(200, e.do(alice, "PATCH", "/api/v1/users/alice@example.test", `{"name": "Alice A."}`)))
	if got.Name != "Alice A." {
		t.Errorf("patched name %q", got.Name)
	}
	e.wantErr(403, "forbidden", "admin flag", e.do(alice, "PATCH", "/api/v1/users/alice@example.test", `{"admin": true}`))
	e.wantErr(403, "forbidden", "administrators", e.do(alice, "PATCH", "/api/v1/users/bob@example.test", `{"name": "B"}`))
	e.wantErr(403, "forbidden", "administrators", e.do(alice, "POST", "/api/v1/users", `{"email": "c@example.test", "name": "C", "password": "password1"}`))
	e.wantErr(403, "forbidden", "administrators", e.do(alice, "DELETE", "/api/v1/users/bob@example.test", nil))

	// A new password works at once and the old one stops working.
	// Issue 16: changing one's own password needs the current one.
	e.wantErr(422, "invalid", "current password", e.do(alice, "PATCH", "/api/v1/users/alice@example.test", `{"password": "new-password"}`))
	e.wantErr(403, "forbidden", "current password is wrong", e.do(alice, "PATCH", "/api/v1/users/alice@example.test",
		`{"password": "new-password", "current_password": "not-it-at-all"}`))
	e.want(200, e.do(alice, "PATCH", "/api/v1/users/alice@example.test",
		`{"password": "new-password", "current_password": "`+alice.pass+`"}`))
	e.wantErr(401, "unauthenticated", "wrong", e.do(alice, "GET", "/api/v1/users/alice@example.test", nil))
	e.want(200, e.do(who{user: "alice@example.test", pass: "new-password"}, "GET", "/api/v1/users/alice@example.test", nil))

	e.want(204, e.do(admin, "DELETE", "/api/v1/users/bob@example.test", nil))
	e.wantErr(404, "not_found", "no user", e.do(admin, "GET", "/api/v1/users/bob@example.test", nil))
	e.wantErr(404, "not_found", "no user", e.do(admin, "DELETE", "/api/v1/users/bob@example.test", nil))
	e.wantErr(401, "unauthenticated", "wrong", e.do(as("bob@example.test"), "GET", "/api/v1/groups", nil))
}

func TestUserBadInput(t *testing.T) {
	e := newEnv(t)
	e.users("alice@example.test")
	big := `{"email": "a@example.test", "name": "` + strings.Repeat("x", 1<<20) + `", "password": "password1"}`
	cases := []struct {
		name   string
		body   string
		status int
		code   string
		says   string
	}{
		{"unknown field", `{"email": "b@example.test", "name": "B", "password": "password1", "role": "boss"}`, 400, "bad_request", `unknown field "role"`},
		{"wrong type", `{"email": "b@example.test", "name": 7, "password": "password1"}`, 400, "bad_request", `field "name" must be a string, not number`},
		{"wrong type bool", `{"email": "b@example.test", "name": "B", "password": "password1", "admin": "yes"}`, 400, "bad_request", `"admin" must be true or false`},
		{"not an object", `["b@example.test"]`, 400, "bad_request", "must be an object, not array"},
		{"malformed", `{"email": `, 400, "bad_request", "ends too early"},
		{"syntax", `{"email" "b@example.test"}`, 400, "bad_request", "not valid JSON"},
		{"trailing data", `{"email": "b@example.test", "name": "B", "password": "password1"} {"x": 1}`, 400, "bad_request", "more than one JSON value"},
		{"trailing garbage", `{"email": "b@example.test", "name": "B", "password": "password1"} xyz`, 400, "bad_request", "more than one JSON value"},
		{"empty", ``, 400, "bad_request", "needs a JSON body"},
		{"over 1 MiB", big, 413, "too_large", "over the limit of 1048576 bytes"},
		{"invalid email", `{"email": "not an address", "name": "B", "password": "password1"}`, 422, "invalid", "not a valid email address"},
		{"email with name", `{"email": "Bob <b@example.test>", "name": "B", "password": "password1"}`, 422, "invalid", "not a valid email address"},
		{"short password", `{"email": "b@example.test", "name": "B", "password": "short"}`, 422, "invalid", "password"},
		{"missing fields", `{"email": "b@example.test"}`, 422, "invalid", "required"},
		{"duplicate", `{"email": "ALICE@example.test", "name": "A", "password": "password1"}`, 409, "conflict", "already exists"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e.wantErr(c.status, c.code, c.says, e.do(admin, "POST", "/api/v1/users", c.body))
		})
	}
	// Nothing of the refused requests was stored.
	list := decodeAs[struct{ Users []groups.User }](t, e.want(200, e.do(admin, "GET", "/api/v1/users", nil)))
	if len(list.Users) != 1 {
		t.Errorf("users after bad input: %+v", list.Users)
	}
}
