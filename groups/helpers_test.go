package groups

import (
	"context"
	"errors"
	"testing"

	"groupd/internal/testdb"
)

// cheap makes password hashing fast enough for tests.
func cheap() *HashParams { return &HashParams{Time: 1, Memory: 64, Threads: 1} }

// testOptions are the options of a store on a fresh test database (see
// internal/testdb: SQLite, or PostgreSQL with GROUPD_TEST_POSTGRES).
func testOptions(t testing.TB) Options {
	t.Helper()
	return dbOptions(testdb.New(t))
}

func dbOptions(db testdb.DB) Options {
	o := Options{Driver: db.Driver, DSN: db.DSN, Path: db.Path,
		MailDomains:     []string{"lists.example.test"},
		InternalDomains: []string{"example.test"},
		HashParams:      cheap(),
	}
	if db.Driver == DriverPostgres {
		o.BlobDir = db.BlobDir
	}
	return o
}

func newStore(t testing.TB) *Store {
	t.Helper()
	s, err := Open(testOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func str(s string) *string { return &s }

var admin = AdminActor()

func user(email string) Actor { return Actor{Email: email} }

// addUsers creates accounts with the password "password1".
func addUsers(t testing.TB, s *Store, emails ...string) {
	t.Helper()
	for _, e := range emails {
		if _, err := s.CreateUser(context.Background(), admin, UserSpec{Email: str(e), Name: str(e), Password: str("password1")}); err != nil {
			t.Fatalf("create user %s: %v", e, err)
		}
	}
}

func mustGroup(t testing.TB, s *Store, a Actor, spec GroupSpec) *Group {
	t.Helper()
	g, err := s.CreateGroup(context.Background(), a, spec)
	if err != nil {
		t.Fatalf("create group: %v", err)
	}
	return g
}

func wantErr(t testing.TB, err, kind error) {
	t.Helper()
	if !errors.Is(err, kind) {
		t.Fatalf("got error %v, want %v", err, kind)
	}
}

func ids(list []Summary) []string {
	out := []string{}
	for _, x := range list {
		out = append(out, x.ID)
	}
	return out
}
