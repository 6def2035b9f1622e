package groups

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// benchFixture fills s with nGroups groups (20% private) and nUsers users
// holding perUser memberships each, in one transaction, straight in SQL.
func benchFixture(b *testing.B, s *Store, nGroups, nUsers, perUser int) []string {
	b.Helper()
	words := []string{"alpha", "budget", "cloud", "design", "events", "finance", "garden", "hiring",
		"infra", "journal", "kitchen", "legal", "mobile", "network", "office", "payroll", "quality",
		"research", "sales", "travel", "update", "vendor", "web", "xray", "yoga", "zone", "영업", "開発"}
	r := rand.New(rand.NewPCG(1, 2))
	tx, err := s.wdb.Begin()
	if err != nil {
		b.Fatal(err)
	}
	names := make([]string, nGroups)
	gstmt, _ := tx.Prepare(`INSERT INTO groups (gid, id, name, name_fold, public, list_address, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 0, 0)`)
	for i := range nGroups {
		names[i] = fmt.Sprintf("%s %s %d", words[r.IntN(len(words))], words[r.IntN(len(words))], i)
		id := fmt.Sprintf("%s-%d", deriveID(names[i]), i)
		if _, err := gstmt.Exec(i+1, id, names[i], fold(names[i]), i%5 != 0, id+"@lists.example.test"); err != nil {
			b.Fatal(err)
		}
	}
	ustmt, _ := tx.Prepare(`INSERT INTO users (uid, email, name, pw_hash, created_at, updated_at) VALUES (?, ?, 'u', 'x', 0, 0)`)
	mstmt, _ := tx.Prepare(`INSERT INTO memberships (gid, uid, role) VALUES (?, ?, ?)`)
	for u := range nUsers {
		if _, err := ustmt.Exec(u+1, fmt.Sprintf("u%d@example.test", u)); err != nil {
			b.Fatal(err)
		}
		mine := map[int]bool{} // perUser distinct groups
		for k := 0; k < perUser; {
			g := r.IntN(nGroups) + 1
			if mine[g] {
				continue
			}
			mine[g] = true
			role := RoleMember
			if k < 2 {
				role = RoleMaster
			}
			if _, err := mstmt.Exec(g, u+1, role); err != nil {
				b.Fatal(err)
			}
			k++
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	var n int
	if err := s.wdb.QueryRow(`SELECT COUNT(*) FROM memberships`).Scan(&n); err != nil || n != nUsers*perUser {
		b.Fatalf("the fixture holds %d memberships, want %d (%v)", n, nUsers*perUser, err)
	}
	s.wdb.Exec(`ANALYZE`)
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
			_, err := s.ListGroups(ctx, actor(), ListQuery{Q: deriveID(prefix() + "x")[:1] + "-"})
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
