package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"groupd/groups"
)

// TestAccountPassword: changing the password needs the current one; it
// ends the user's other sessions and keeps this one.
func TestAccountPassword(t *testing.T) {
	e := newTestEnv(t)
	here := e.signin(t, "alice@example.test", "password1")
	other := e.signin(t, "alice@example.test", "password1")
	here.get(t, "/account")
	cases := []struct {
		form url.Values
		says string
	}{
		{url.Values{"new": {"new-password-1"}, "confirm": {"new-password-1"}}, "Give your current password to change it."},
		{url.Values{"current": {"not-the-one"}, "new": {"new-password-1"}, "confirm": {"new-password-1"}}, "The current password is wrong."},
		{url.Values{"current": {"password1"}, "new": {"short"}, "confirm": {"short"}}, "A password has at least 8 characters."},
		{url.Values{"current": {"password1"}, "new": {"new-password-1"}, "confirm": {"new-password-2"}}, "The two new passwords are not the same."},
	}
	for _, c := range cases {
		st, body, _ := here.postForm(t, "/account/password", c.form)
		if st != http.StatusUnprocessableEntity || !strings.Contains(text(body), c.says) {
			t.Errorf("%v: %d, want 422 saying %q\n%s", c.form, st, c.says, text(body))
		}
	}
	if st, _ := other.get(t, "/account"); st != 200 {
		t.Fatalf("a refused change ended the other session: %d", st)
	}
	st, _, loc := here.postForm(t, "/account/password", url.Values{"current": {"password1"}, "new": {"new-password-1"}, "confirm": {"new-password-1"}})
	if st != http.StatusSeeOther || loc != "/account?done=password" {
		t.Fatalf("change: %d %q", st, loc)
	}
	st, body := here.get(t, loc)
	if st != 200 || !strings.Contains(text(body), "Your password was changed.") {
		t.Fatalf("this session after the change: %d %s", st, text(body))
	}
	if st, _ := other.get(t, "/account"); st != http.StatusSeeOther {
		t.Fatalf("the other session after the change: %d, want a redirect to sign in", st)
	}
	if signinStatus(t, e, "alice@example.test", "password1") != http.StatusUnauthorized {
		t.Fatal("the old password still signs in")
	}
	e.signin(t, "alice@example.test", "new-password-1")
}

var secretRE = regexp.MustCompile(`class="secret-value"><code>([a-z2-7]+)</code>`)

// TestAccountAppPasswords: an app password is shown once, listed by name
// afterwards, works for the protocols but not for the console, and stops
// working when revoked.
func TestAccountAppPasswords(t *testing.T) {
	e := newTestEnv(t)
	alice := e.signin(t, "alice@example.test", "password1")
	alice.get(t, "/account")
	st, body, _ := alice.postForm(t, "/account/app-passwords", url.Values{"name": {""}})
	if st != http.StatusUnprocessableEntity || !strings.Contains(text(body), "Name the app password") {
		t.Fatalf("nameless: %d %s", st, text(body))
	}
	st, body, _ = alice.postForm(t, "/account/app-passwords", url.Values{"name": {"Work phone"}})
	m := secretRE.FindStringSubmatch(body)
	if st != 200 || m == nil || !strings.Contains(text(body), "shown this once") {
		t.Fatalf("create: %d %s", st, text(body))
	}
	secret := m[1]
	login := func() error {
		_, err := e.store.Login(context.Background(), groups.LoginRequest{Email: "alice@example.test", Password: secret,
			Remote: "192.0.2.1:1", Protocol: "imap"})
		return err
	}
	_, list := alice.get(t, "/account")
	if strings.Contains(list, secret) || !strings.Contains(text(list), "Work phone") || !strings.Contains(list, "<td>never</td>") {
		t.Fatalf("the list shows the secret, or not the name: %s", text(list))
	}
	if err := login(); err != nil {
		t.Fatalf("the app password does not log in: %v", err)
	}
	if _, list = alice.get(t, "/account"); strings.Contains(list, "<td>never</td>") {
		t.Fatal("the list still says never used after a login")
	}
	if st := signinStatus(t, e, "alice@example.test", secret); st != http.StatusUnauthorized {
		t.Fatalf("the app password signed in to the console: %d", st)
	}
	aps, _ := e.store.AppPasswords(context.Background(), groups.AdminActor(), "alice@example.test")
	if len(aps) != 1 {
		t.Fatalf("%d app passwords", len(aps))
	}
	st, _, loc := alice.postForm(t, "/account/app-passwords/revoke", url.Values{"id": {strconv.FormatInt(aps[0].ID, 10)}})
	if st != http.StatusSeeOther || loc != "/account?done=app_revoked" {
		t.Fatalf("revoke: %d %q", st, loc)
	}
	if err := login(); !isKind(err, groups.ErrUnauthenticated) {
		t.Fatalf("a revoked app password logs in: %v", err)
	}
	if _, list = alice.get(t, "/account"); strings.Contains(text(list), "Work phone") {
		t.Fatal("the revoked app password is still listed")
	}
	// Another user's app password cannot be revoked by id.
	bobs, _ := e.store.CreateAppPassword(context.Background(), groups.AdminActor(), "bob@example.test", "Bob's")
	if st, _, _ := alice.postForm(t, "/account/app-passwords/revoke", url.Values{"id": {strconv.FormatInt(bobs.ID, 10)}}); st != http.StatusNotFound {
		t.Fatalf("revoke another's: %d", st)
	}
}

// TestAccountName: the name changes; an empty one is refused beside it.
func TestAccountName(t *testing.T) {
	e := newTestEnv(t)
	alice := e.signin(t, "alice@example.test", "password1")
	alice.get(t, "/account")
	if st, body, _ := alice.postForm(t, "/account/name", url.Values{"name": {" "}}); st != http.StatusUnprocessableEntity ||
		!strings.Contains(text(body), "A name is 1 to 100 characters") {
		t.Fatalf("empty name: %d %s", st, text(body))
	}
	if st, _, _ := alice.postForm(t, "/account/name", url.Values{"name": {"앨리스"}}); st != http.StatusSeeOther {
		t.Fatalf("rename: %d", st)
	}
	if _, b := alice.get(t, "/account"); !strings.Contains(b, `value="앨리스"`) {
		t.Fatal("the new name is not shown")
	}
}
