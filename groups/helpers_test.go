package groups

import (
	"context"
	"errors"
	"slices"
	"testing"

	"groupd/internal/listaddr"
	"groupd/internal/searchtext"
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
		SearchText:      searchtext.Extract, // as the daemon sets it
		Addresses:       listaddr.Grammar{},
		Notices:         loadNotices,
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

// setFlags and addFlags are the changes STORE FLAGS and +FLAGS make
// (the IMAP server's are in imap/flags.go), with flags spelled as the
// store keeps them, for ImapStoreFlags.
func setFlags(flags ...string) func([]string) []string {
	return func([]string) []string { return flags }
}

func addFlags(flags ...string) func([]string) []string {
	return func(cur []string) []string {
		for _, f := range flags {
			if !slices.Contains(cur, f) {
				cur = append(cur, f)
			}
		}
		return cur
	}
}

// loadNotices is Options.Notices as the daemon sets it (internal/notice),
// through NoticesForTest: internal/notice implements groups.Notices and so
// imports groups, which this package's own tests therefore cannot
// import (an import cycle).
func loadNotices(lang string) (Notices, error) { return NoticesForTest(lang) }

// NoticesForTest is internal/notice's Load. The external tests of this
// folder (package groups_test, notices_test.go), which may import it,
// set it before any test runs.
var NoticesForTest func(lang string) (Notices, error)
