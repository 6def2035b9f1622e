package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"groupd/groups"
)

func str(s string) *string { return &s }
func yes() *bool           { b := true; return &b }
func no() *bool            { b := false; return &b }

// TestSignInAndOut: the form signs in with the account password, a wrong
// one is refused with a sentence, and signing out ends the session.
func TestSignInAndOut(t *testing.T) {
	e := newTestEnv(t)
	cl := e.browser(t)
	if st, _ := cl.get(t, "/groups"); st != http.StatusSeeOther {
		t.Fatalf("signed-out /groups: %d, want a redirect to sign in", st)
	}
	cl.get(t, "/signin")
	st, body, _ := cl.postForm(t, "/signin", url.Values{"email": {"alice@example.test"}, "password": {"nope-nope"}})
	if st != http.StatusUnauthorized || !strings.Contains(text(body), "The email or password is wrong.") {
		t.Fatalf("wrong password: %d %s", st, text(body))
	}
	cl = e.signin(t, "alice@example.test", "password1")
	st, body = cl.get(t, "/groups")
	if st != 200 || !strings.Contains(text(body), "Groups I belong") {
		t.Fatalf("groups page: %d %s", st, text(body))
	}
	if st, _, _ := cl.postForm(t, "/signout", url.Values{}); st != http.StatusSeeOther {
		t.Fatalf("sign out: %d", st)
	}
	if st, _ := cl.get(t, "/groups"); st != http.StatusSeeOther {
		t.Fatalf("after sign-out /groups: %d, want a redirect", st)
	}
}

// TestPrivateGroupLooksMissing: an outsider gets the same page, status
// and words for a private group as for a group that does not exist.
func TestPrivateGroupLooksMissing(t *testing.T) {
	e := newTestEnv(t)
	e.group(t, "alice@example.test", groups.GroupSpec{ID: str("secret"), Name: str("Secret Club"), Public: no()})
	eve := e.signin(t, "eve@example.test", "password1")
	st1, b1 := eve.get(t, "/g/secret")
	st2, b2 := eve.get(t, "/g/nothing-here")
	if st1 != http.StatusNotFound || st1 != st2 || text(b1) != text(b2) {
		t.Fatalf("private %d %q\nmissing %d %q", st1, text(b1), st2, text(b2))
	}
	if _, b := eve.get(t, "/groups?view=all&q=secret"); strings.Contains(b, "Secret Club") {
		t.Fatal("search shows the private group to an outsider")
	}
	if _, b := eve.get(t, "/suggest/groups?q=sec"); strings.Contains(b, "secret") {
		t.Fatalf("suggestions show the private group: %s", b)
	}
	alice := e.signin(t, "alice@example.test", "password1")
	if st, b := alice.get(t, "/g/secret"); st != 200 || !strings.Contains(b, "Secret Club") {
		t.Fatalf("master's own private group: %d", st)
	}
}

// TestGroupPageSaysWhoMayPost (issue 15): the group page says what the
// list accepts, and making the group private leaves that unchanged.
func TestGroupPageSaysWhoMayPost(t *testing.T) {
	e := newTestEnv(t)
	e.group(t, "alice@example.test", groups.GroupSpec{ID: str("open"), Name: str("Open")})
	alice := e.signin(t, "alice@example.test", "password1")
	_, body := alice.get(t, "/g/open")
	want := "Who may mail it Anyone. Mail from outside the organisation is refused."
	if !strings.Contains(text(body), want) {
		t.Fatalf("public group's page lacks %q: %s", want, text(body))
	}
	if _, err := e.store.UpdateGroup(t.Context(), groups.Actor{Email: "alice@example.test"}, "open",
		groups.GroupSpec{Public: no()}); err != nil {
		t.Fatal(err)
	}
	if _, body = alice.get(t, "/g/open"); !strings.Contains(text(body), want) {
		t.Fatalf("after making it private: %s", text(body))
	}
}
