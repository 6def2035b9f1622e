package groups

import (
	"context"
	"fmt"
	"math/rand/v2"
)

// FillBenchmarkFixture fills an empty store with the listing benchmarks'
// fixture, in one transaction, straight in SQL: nGroups groups (20%
// private, names of two words from a fixed list and a number, ids
// "<derived>-<n>", with their search terms) and nUsers users
// u0…@example.test (password hash "x": they cannot log in) holding
// perUser distinct memberships each, the first two as master. The same
// seed gives the same fixture every time. It returns the group names and
// ids, in gid order. For benchmarks only.
func (s *Store) FillBenchmarkFixture(ctx context.Context, nGroups, nUsers, perUser int) (names, ids []string, err error) {
	words := []string{"alpha", "budget", "cloud", "design", "events", "finance", "garden", "hiring",
		"infra", "journal", "kitchen", "legal", "mobile", "network", "office", "payroll", "quality",
		"research", "sales", "travel", "update", "vendor", "web", "xray", "yoga", "zone", "영업", "開発"}
	r := rand.New(rand.NewPCG(1, 2))
	names, ids = make([]string, nGroups), make([]string, nGroups)
	err = s.write(ctx, func(tx *wtx) error {
		for i := range nGroups {
			names[i] = fmt.Sprintf("%s %s %d", words[r.IntN(len(words))], words[r.IntN(len(words))], i)
			id := fmt.Sprintf("%s-%d", deriveID(names[i], s.reserved()), i)
			ids[i] = id
			if _, err := tx.ExecContext(ctx, `INSERT INTO groups (gid, id, name, name_fold, public, list_address,
				created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 0, 0)`,
				i+1, id, names[i], fold(names[i]), i%5 != 0, id+"@lists.example.test"); err != nil {
				return err
			}
			if err := writeTerms(ctx, tx, int64(i+1), names[i], id+"@lists.example.test"); err != nil {
				return err
			}
		}
		for u := range nUsers {
			if _, err := tx.ExecContext(ctx, `INSERT INTO users (uid, email, name, pw_hash, created_at, updated_at)
				VALUES (?, ?, 'u', 'x', 0, 0)`, u+1, fmt.Sprintf("u%d@example.test", u)); err != nil {
				return err
			}
			mine := map[int]bool{}
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
				if _, err := tx.ExecContext(ctx, `INSERT INTO memberships (gid, uid, role) VALUES (?, ?, ?)`,
					g, u+1, role); err != nil {
					return err
				}
				k++
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	var n int
	if err := s.wdb.QueryRowContext(ctx, `SELECT COUNT(*) FROM memberships`).Scan(&n); err != nil || n != nUsers*perUser {
		return nil, nil, fmt.Errorf("groups: the fixture holds %d memberships, want %d (%v)", n, nUsers*perUser, err)
	}
	if s.d.pg {
		// The rows carry their own ids: move the identity sequences past
		// them, so that a daemon run on the fixture can still add some.
		for _, t := range [][2]string{{"groups", "gid"}, {"users", "uid"}} {
			if _, err := s.wdb.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('`+t[0]+`', '`+t[1]+`'),
				(SELECT MAX(`+t[1]+`) FROM `+t[0]+`))`); err != nil {
				return nil, nil, err
			}
		}
	}
	// PostgreSQL: VACUUM too, as autovacuum does to a live database some
	// time after a bulk load; until then its index-only scans (the
	// search terms') visit the table for every row.
	stmt := `ANALYZE`
	if s.d.pg {
		stmt = `VACUUM (ANALYZE)`
	}
	_, err = s.wdb.ExecContext(ctx, stmt)
	return names, ids, err
}
