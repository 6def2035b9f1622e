package imap

import (
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"groupd/groups"
)

// TestPasswordChangeEndsSessions: a password change ends every open IMAP
// session of that user with BYE (RFC 9051 §7.1.5; issue 16 item 2), idle
// or not, without waiting for a command; other users' sessions stay.
func TestPasswordChangeEndsSessions(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	bob := e.raw(t)
	bob.login()
	idler := e.login(t, "bob@example.test")
	mustSelect(t, idler, "Groups/Team")
	if _, err := idler.Idle(); err != nil {
		t.Fatal(err)
	}
	alice := e.login(t, "alice@example.test")
	err := e.store.ChangePassword(bg(), userActor("bob@example.test"), "bob@example.test",
		groups.PasswordChange{Current: password, New: "another password 2"})
	if err != nil {
		t.Fatal(err)
	}
	wantBye(t, bob, "password")
	select {
	case <-idler.Closed():
	case <-time.After(5 * time.Second):
		t.Fatal("bob's idling session was not ended")
	}
	if err := alice.Noop().Wait(); err != nil {
		t.Fatalf("alice's session was ended too: %v", err)
	}
}

// TestDeletedAccountEndsSessions: deleting an account ends its sessions.
func TestDeletedAccountEndsSessions(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	carol := e.raw(t)
	carol.send("l LOGIN carol@example.test " + password + "\r\n")
	if l := carol.until("l "); !strings.HasPrefix(l, "l OK") {
		t.Fatalf("login: %q", l)
	}
	if err := e.store.DeleteUser(bg(), adminActor(), "carol@example.test"); err != nil {
		t.Fatal(err)
	}
	wantBye(t, carol, "account")
}

// wantBye reads an unprompted BYE saying want, then the end of the
// connection.
func wantBye(t *testing.T, r *raw, want string) {
	t.Helper()
	if l := r.line(); !strings.HasPrefix(l, "* BYE ") || !strings.Contains(l, want) {
		t.Fatalf("got %q, want BYE saying %q", l, want)
	}
	r.c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if l, err := r.br.ReadString('\n'); !errors.Is(err, io.EOF) {
		t.Fatalf("after BYE: %q, %v; want the connection closed", l, err)
	}
}
