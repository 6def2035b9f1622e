package groups

import (
	"context"
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
