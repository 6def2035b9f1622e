package groups

import (
	"context"
	"strings"
	"testing"
)

func TestUsersAndAuthentication(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	addUsers(t, s, "Alice@Example.test")
	var hash string
	s.rdb.QueryRow(`SELECT pw_hash FROM users WHERE email = 'alice@example.test'`).Scan(&hash)
	if !strings.HasPrefix(hash, "$argon2id$") || strings.Contains(hash, "password1") {
		t.Fatalf("stored hash %q", hash)
	}
	u, err := s.Authenticate(ctx, "ALICE@example.test", "password1")
	if err != nil || u.Email != "alice@example.test" {
		t.Fatalf("login: %v %v", u, err)
	}
	for _, c := range [][2]string{{"alice@example.test", "wrong"}, {"nobody@example.test", "password1"}, {"", ""}} {
		_, err := s.Authenticate(ctx, c[0], c[1])
		wantErr(t, err, ErrUnauthenticated)
	}
	// A changed password takes effect at once, despite the login cache.
	// Issue 16: one's own password changes only with the current one.
	_, err = s.UpdateUser(ctx, user("alice@example.test"), "alice@example.test", UserSpec{Password: str("another-pass")})
	wantErr(t, err, ErrInvalid)
	_, err = s.UpdateUser(ctx, user("alice@example.test"), "alice@example.test",
		UserSpec{Password: str("another-pass"), CurrentPassword: str("wrong-password")})
	wantErr(t, err, ErrDenied)
	if _, err := s.Authenticate(ctx, "alice@example.test", "password1"); err != nil {
		t.Fatalf("a refused change changed the password: %v", err)
	}
	if _, err := s.UpdateUser(ctx, user("alice@example.test"), "alice@example.test",
		UserSpec{Password: str("another-pass"), CurrentPassword: str("password1")}); err != nil {
		t.Fatal(err)
	}
	_, err = s.Authenticate(ctx, "alice@example.test", "password1")
	wantErr(t, err, ErrUnauthenticated)
	if _, err := s.Authenticate(ctx, "alice@example.test", "another-pass"); err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name string
		err  error
		want error
	}{
		{"duplicate", func() error {
			_, e := s.CreateUser(ctx, admin, UserSpec{Email: str("alice@EXAMPLE.test"), Name: str("A"), Password: str("password1")})
			return e
		}(), ErrConflict},
		{"invalid email", func() error {
			_, e := s.CreateUser(ctx, admin, UserSpec{Email: str("alice"), Name: str("A"), Password: str("password1")})
			return e
		}(), ErrInvalid},
		{"display-name email", func() error {
			_, e := s.CreateUser(ctx, admin, UserSpec{Email: str("A <a@example.test>"), Name: str("A"), Password: str("password1")})
			return e
		}(), ErrInvalid},
		{"short password", func() error {
			_, e := s.CreateUser(ctx, admin, UserSpec{Email: str("b@example.test"), Name: str("B"), Password: str("short")})
			return e
		}(), ErrInvalid},
		{"user creates user", func() error {
			_, e := s.CreateUser(ctx, user("alice@example.test"), UserSpec{Email: str("c@example.test"), Name: str("C"), Password: str("password1")})
			return e
		}(), ErrDenied},
		{"user makes self admin", func() error {
			_, e := s.UpdateUser(ctx, user("alice@example.test"), "alice@example.test", UserSpec{Admin: boolp(true)})
			return e
		}(), ErrDenied},
		{"user reads another", func() error { _, e := s.GetUser(ctx, user("alice@example.test"), "bob@example.test"); return e }(), ErrDenied},
		{"delete missing", s.DeleteUser(ctx, admin, "nobody@example.test"), ErrNotFound},
	}
	for _, c := range cases {
		if c.err == nil {
			t.Errorf("%s: no error, want %v", c.name, c.want)
			continue
		}
		wantErr(t, c.err, c.want)
	}
}

func TestDeleteUserKeepsLastMasterRule(t *testing.T) {
	s := newStore(t)
	addUsers(t, s, "alice@example.test", "bob@example.test")
	ctx := context.Background()
	g := mustGroup(t, s, user("alice@example.test"), GroupSpec{Name: str("Team"), Members: []string{"bob@example.test"}})
	wantErr(t, s.DeleteUser(ctx, admin, "alice@example.test"), ErrConflict)
	if err := s.DeleteUser(ctx, admin, "bob@example.test"); err != nil {
		t.Fatal(err)
	}
	got, _ := s.GetGroup(ctx, user("alice@example.test"), g.ID)
	if len(got.Members) != 1 {
		t.Fatalf("members after delete: %v", got.Members)
	}
	_, err := s.Authenticate(ctx, "bob@example.test", "password1")
	wantErr(t, err, ErrUnauthenticated)
}

func TestNotePermissions(t *testing.T) {
	s := newStore(t)
	addUsers(t, s, "alice@example.test", "bob@example.test", "carol@example.test")
	alice, bob, carol := user("alice@example.test"), user("bob@example.test"), user("carol@example.test")
	ctx := context.Background()
	g := mustGroup(t, s, alice, GroupSpec{Name: str("Team"), Members: []string{"bob@example.test", "carol@example.test"}})
	n, err := s.CreateNote(ctx, bob, g.ID, NoteSpec{Title: str("bob's"), Body: str("text")})
	if err != nil || n.Author != "bob@example.test" {
		t.Fatalf("create: %v %v", n, err)
	}
	_, err = s.UpdateNote(ctx, carol, g.ID, n.ID, NoteSpec{Body: str("mine now")})
	wantErr(t, err, ErrDenied)
	if _, err := s.UpdateNote(ctx, alice, g.ID, n.ID, NoteSpec{Body: str("edited by master")}); err != nil {
		t.Fatal(err)
	}
	_, err = s.CreateNote(ctx, bob, g.ID, NoteSpec{Title: str("")})
	wantErr(t, err, ErrInvalid)
	_, err = s.CreateNote(ctx, bob, g.ID, NoteSpec{Title: str("big"), Body: str(strings.Repeat("x", MaxNoteBodyBytes+1))})
	wantErr(t, err, ErrTooLarge)
	wantErr(t, s.DeleteNote(ctx, carol, g.ID, n.ID), ErrDenied)
	if err := s.DeleteNote(ctx, bob, g.ID, n.ID); err != nil {
		t.Fatal(err)
	}
	_, err = s.GetNote(ctx, bob, g.ID, n.ID)
	wantErr(t, err, ErrNotFound)
}
