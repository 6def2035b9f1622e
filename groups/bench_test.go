package groups

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"groupd/internal/listaddr"
)

// benchFixture fills s with the listing benchmark's fixture (see
// FillBenchmarkFixture).
func benchFixture(b *testing.B, s *Store, nGroups, nUsers, perUser int) []string {
	b.Helper()
	names, _, err := s.FillBenchmarkFixture(context.Background(), nGroups, nUsers, perUser)
	if err != nil {
		b.Fatal(err)
	}
	return names
}

// BenchmarkListing measures list, search and autocomplete over 100,000
// groups (20% private) and 1,000,000 memberships, reporting p50 and p99.
func BenchmarkListing(b *testing.B) {
	s := newStore(b)
	const nUsers = 20000
	names := benchFixture(b, s, 100000, nUsers, 50)
	ctx := context.Background()
	r := rand.New(rand.NewPCG(3, 4))
	actor := func() Actor { return user(fmt.Sprintf("u%d@example.test", r.IntN(nUsers))) }
	prefix := func() string {
		n := names[r.IntN(len(names))]
		return string([]rune(n)[:1+r.IntN(3)])
	}
	ops := []struct {
		name string
		fn   func() error
	}{
		{"view=all", func() error { _, err := s.ListGroups(ctx, actor(), ListQuery{View: ViewAll}); return err }},
		{"view=belong", func() error { _, err := s.ListGroups(ctx, actor(), ListQuery{View: ViewBelong}); return err }},
		{"view=manage", func() error { _, err := s.ListGroups(ctx, actor(), ListQuery{View: ViewManage}); return err }},
		{"search", func() error { _, err := s.ListGroups(ctx, actor(), ListQuery{Q: prefix()}); return err }},
		{"search-address", func() error {
			_, err := s.ListGroups(ctx, actor(), ListQuery{Q: deriveID(prefix()+"x", listaddr.Suffixes())[:1] + "-"})
			return err
		}},
		{"autocomplete", func() error { _, err := s.Autocomplete(ctx, actor(), prefix(), 10); return err }},
	}
	for _, op := range ops {
		b.Run(op.name, func(b *testing.B) {
			var lat []time.Duration
			for b.Loop() {
				t0 := time.Now()
				if err := op.fn(); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(t0))
			}
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
		})
	}
}
