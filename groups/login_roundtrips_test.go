package groups

import (
	"context"
	"testing"
)

// TestLoginAutocompleteStatements: an API request of a logged-in member
// (HTTP Basic: Login with a cached password, then Autocomplete) runs
// the fewest statements, each a round trip on PostgreSQL: the account's
// row (and, on PostgreSQL, the failures every node counts) for the
// login, one page of terms for the look-up. Neither the log's account
// check nor a second read of the account's id is left.
func TestLoginAutocompleteStatements(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	addUsers(t, s, "ann@example.test")
	mustGroup(t, s, admin, GroupSpec{ID: str("garden"), Name: str("Garden club"), Masters: []string{"ann@example.test"}})
	req := LoginRequest{Email: "ann@example.test", Password: "password1", Remote: "192.0.2.1:5000", Protocol: "api"}
	if _, err := s.Login(ctx, req); err != nil { // hashes once; the cache keeps it
		t.Fatal(err)
	}
	before := s.d.stmts.Load()
	u, err := s.Login(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Autocomplete(ctx, UserActor(u), "gar", 10)
	if err != nil || len(got) != 1 || got[0].ID != "garden" {
		t.Fatalf("autocomplete: %+v, %v", got, err)
	}
	// SQLite: the account row and a page of terms. PostgreSQL: the
	// failures every node recorded, read with the account row in one
	// statement, and the page.
	want := int64(2)
	if n := s.d.stmts.Load() - before; n != want {
		t.Fatalf("login and autocomplete ran %d statements, want %d", n, want)
	}
}
