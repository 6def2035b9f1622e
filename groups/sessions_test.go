package groups

import (
	"context"
	"sync"
	"testing"
	"time"

	"groupd/internal/testdb"
)

// clock is a settable time for expiry tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newStoreAtClock(t *testing.T, db testdb.DB, c *clock) *Store {
	t.Helper()
	o := dbOptions(db)
	o.Now = c.now
	s, err := Open(o)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustSession(t *testing.T, s *Store, email string) string {
	t.Helper()
	u, err := s.userByEmail(context.Background(), s.rdb, email)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := s.CreateSession(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// TestSessionExpiry: a session ends after its idle time without a
// request and after its absolute time however busy; a request within
// the idle time keeps it; it survives a restart (it is in the database).
func TestSessionExpiry(t *testing.T) {
	ctx := context.Background()
	db := testdb.New(t)
	c := &clock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	s := newStoreAtClock(t, db, c)
	addUsers(t, s, "alice@example.test")
	lim := SessionLimits{Idle: time.Hour, Absolute: 3 * time.Hour}

	tok := mustSession(t, s, "alice@example.test")
	if len(tok) < 43 {
		t.Fatalf("session id %q is shorter than 256 bits", tok)
	}
	sess, err := s.SessionByToken(ctx, tok, lim)
	if err != nil || sess.User.Email != "alice@example.test" || len(sess.CSRF) < 43 {
		t.Fatalf("new session: %+v %v", sess, err)
	}
	// Kept alive by a request every 50 minutes...
	for i := 0; i < 3; i++ {
		c.add(50 * time.Minute)
		if _, err := s.SessionByToken(ctx, tok, lim); err != nil {
			t.Fatalf("after %d × 50 min: %v", i+1, err)
		}
	}
	// ...and across a restart...
	s.Close()
	s = newStoreAtClock(t, db, c)
	defer s.Close()
	c.add(20 * time.Minute)
	if _, err := s.SessionByToken(ctx, tok, lim); err != nil {
		t.Fatalf("after a restart: %v", err)
	}
	// ...but not past the absolute limit (3 h since sign-in).
	c.add(15 * time.Minute)
	_, err = s.SessionByToken(ctx, tok, lim)
	wantErr(t, err, ErrUnauthenticated)

	// Idle: an hour and a minute without a request ends it.
	tok = mustSession(t, s, "alice@example.test")
	c.add(61 * time.Minute)
	_, err = s.SessionByToken(ctx, tok, lim)
	wantErr(t, err, ErrUnauthenticated)
	// An expired session is gone, not just refused.
	var n int
	s.rdb.QueryRow(`SELECT COUNT(*) FROM web_sessions`).Scan(&n)
	if n != 0 {
		t.Fatalf("%d expired sessions left in the table", n)
	}
	// A made-up or empty cookie is no session.
	for _, bad := range []string{"", "x", tok + "x"} {
		_, err = s.SessionByToken(ctx, bad, lim)
		wantErr(t, err, ErrUnauthenticated)
	}
}

// TestSessionsEndOnPasswordChange: a password change ends the user's
// other sessions at once and keeps the one that asked; an admin's reset
// ends them all; deleting the account ends them; sign-out ends one.
func TestSessionsEndOnPasswordChange(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	addUsers(t, s, "alice@example.test", "bob@example.test", "carol@example.test")
	mustGroup(t, s, user("carol@example.test"), GroupSpec{Name: str("Keep")})
	lim := SessionLimits{}
	alive := func(tok string) bool { _, err := s.SessionByToken(ctx, tok, lim); return err == nil }

	here, other := mustSession(t, s, "alice@example.test"), mustSession(t, s, "alice@example.test")
	bobs := mustSession(t, s, "bob@example.test")
	err := s.ChangePassword(ctx, user("alice@example.test"), "alice@example.test",
		PasswordChange{Current: "password1", New: "password2", KeepSession: here})
	if err != nil {
		t.Fatal(err)
	}
	if !alive(here) || alive(other) || !alive(bobs) {
		t.Fatalf("after alice's change: here %v other %v bob %v; want true false true", alive(here), alive(other), alive(bobs))
	}
	// A wrong current password changes nothing and ends nothing.
	err = s.ChangePassword(ctx, user("alice@example.test"), "alice@example.test",
		PasswordChange{Current: "wrong-one", New: "password3"})
	wantErr(t, err, ErrDenied)
	if !alive(here) {
		t.Fatal("a refused change ended the session")
	}
	// An admin's reset needs no current password and ends every session.
	if err := s.ChangePassword(ctx, admin, "alice@example.test", PasswordChange{New: "password4"}); err != nil {
		t.Fatal(err)
	}
	if alive(here) {
		t.Fatal("an admin reset left a session signed in")
	}
	if _, err := s.Authenticate(ctx, "alice@example.test", "password4"); err != nil {
		t.Fatalf("reset password: %v", err)
	}
	// Deleting the account ends its sessions.
	if err := s.DeleteUser(ctx, admin, "bob@example.test"); err != nil {
		t.Fatal(err)
	}
	if alive(bobs) {
		t.Fatal("a deleted account's session is alive")
	}
	c := mustSession(t, s, "carol@example.test")
	if err := s.EndSession(ctx, c); err != nil || alive(c) {
		t.Fatalf("sign-out: %v alive %v", err, alive(c))
	}
}

// TestAppPasswordScope (issue 16 item 2): an app password signs in to
// mail, calendar and file protocols, but cannot manage the account, and
// the console's sign-in refuses it; revoking on a password change works.
func TestAppPasswordScope(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	addUsers(t, s, "bob@example.test")
	ap, err := s.CreateAppPassword(ctx, user("bob@example.test"), "bob@example.test", "Phone")
	if err != nil {
		t.Fatal(err)
	}
	u, err := s.Login(ctx, LoginRequest{Email: "bob@example.test", Password: ap.Password, Remote: "127.0.0.1:1", Protocol: "imap"})
	if err != nil || !u.ViaAppPassword {
		t.Fatalf("app password login for IMAP: %v %v", u, err)
	}
	a := UserActor(u)
	_, err = s.UpdateUser(ctx, a, "bob@example.test", UserSpec{Password: str("taken-over"), CurrentPassword: str("password1")})
	wantErr(t, err, ErrDenied)
	_, err = s.UpdateUser(ctx, a, "bob@example.test", UserSpec{Name: str("Mallory")})
	wantErr(t, err, ErrDenied)
	_, err = s.CreateAppPassword(ctx, a, "bob@example.test", "Another")
	wantErr(t, err, ErrDenied)
	_, err = s.AppPasswords(ctx, a, "bob@example.test")
	wantErr(t, err, ErrDenied)
	err = s.RevokeAppPassword(ctx, a, "bob@example.test", ap.ID)
	wantErr(t, err, ErrDenied)
	_, err = s.Login(ctx, LoginRequest{Email: "bob@example.test", Password: ap.Password, Remote: "127.0.0.1:1",
		Protocol: "web", AccountPasswordOnly: true})
	wantErr(t, err, ErrUnauthenticated)
	// The account password still manages the account; asked to, a
	// password change revokes app passwords.
	if err := s.ChangePassword(ctx, user("bob@example.test"), "bob@example.test",
		PasswordChange{Current: "password1", New: "password2", RevokeAppPasswords: true}); err != nil {
		t.Fatal(err)
	}
	_, err = s.Login(ctx, LoginRequest{Email: "bob@example.test", Password: ap.Password, Remote: "127.0.0.1:1", Protocol: "imap"})
	wantErr(t, err, ErrUnauthenticated)
}
