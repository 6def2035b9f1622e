package groups

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// TestSearchPlanKept: on PostgreSQL the statement that reads a page of
// search terms is planned once and its plan kept (a generic plan), not
// planned anew at each look-up: with the page size a parameter, the
// planner could not know the page was small and planned every execution
// (0.3 ms of a 0.6 ms look-up at the 100,000-group fixture).
func TestSearchPlanKept(t *testing.T) {
	s := newStore(t)
	if !s.d.pg {
		t.Skip("PostgreSQL's plan cache")
	}
	ctx := context.Background()
	names, _, err := s.FillBenchmarkFixture(ctx, 5000, 500, 10)
	if err != nil {
		t.Fatal(err)
	}
	s.rdb.SetMaxOpenConns(1) // one session: its prepared statements are ours to see
	a := user("u1@example.test")
	for i := range 12 {
		q := string([]rune(names[i*397%len(names)])[:1+i%3])
		if _, err := s.Autocomplete(ctx, a, q, 10); err != nil {
			t.Fatal(err)
		}
	}
	var generic, custom int64
	err = s.rdb.QueryRowContext(ctx, `SELECT COALESCE(SUM(generic_plans), 0), COALESCE(SUM(custom_plans), 0)
		FROM pg_prepared_statements WHERE statement LIKE '%FROM group_terms t%'`).Scan(&generic, &custom)
	if err != nil {
		t.Fatal(err)
	}
	if generic == 0 || custom > 5 {
		t.Fatalf("the term statement ran %d times on a generic plan and was planned anew %d times; want it kept after the first 5",
			generic, custom)
	}
}

// TestSearchManyTermsPerGroup: a search reads on in growing pages when
// the terms it walks are many per group (several words of one name
// start with the prefix), so the statements stay few: 5 groups of 20
// matching terms each are 100 rows, read in pages of 16, 32 and 64, not
// in 7 pages of 16. Every group is found once.
func TestSearchManyTermsPerGroup(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	addUsers(t, s, "alice@example.test")
	alice := user("alice@example.test")
	var words []string
	for c := 'a'; c < 'a'+19; c++ {
		words = append(words, "s"+string(c))
	}
	for i := range 5 {
		mustGroup(t, s, alice, GroupSpec{ID: str(fmt.Sprintf("s-%d", i)), Name: str(strings.Join(words, " ")),
			Notify: boolp(false)})
	}
	before := s.d.stmts.Load()
	got, err := s.Autocomplete(ctx, alice, "s", 10)
	n := s.d.stmts.Load() - before
	if err != nil || len(got) != 5 {
		t.Fatalf("search: %+v, %v", got, err)
	}
	if n > 4 { // the actor's account row, then the pages
		t.Fatalf("the search ran %d statements, want at most 4", n)
	}
}
