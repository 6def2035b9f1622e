package groups

import (
	"context"
	"time"
)

// Failed logins across nodes (PostgreSQL). Each node counts failures in
// memory (login_throttle.go), where parallel attempts reserve their slot
// at once; with several nodes on one database every failure is also
// written to login_failures, and a login reads the counts there, so that
// guesses spread over the nodes are slowed, and refused, as if they all
// came to one. For an address, a login takes the larger of the two
// counts: the table's holds every node's recorded failures, the memory's
// also this node's attempts still in flight. For an account it takes the
// table's, which a success on any node clears. On SQLite nothing is
// written: one process.

// sharedFailures reads the failures within the window of each key, from
// every node; nil on SQLite, and after an error (the in-memory counts
// then hold).
func (s *Store) sharedFailures(ctx context.Context, now time.Time, keys ...string) map[string]int {
	if !s.d.pg {
		return nil
	}
	out := map[string]int{}
	rows, err := s.rdb.QueryContext(ctx, `SELECT key, n FROM login_failures
		WHERE key IN (?, ?) AND first_at > ?`, keys[0], keys[1], s.windowStart(now))
	if err != nil {
		s.log.Error("reading failed logins", "err", err)
		return nil
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var n int
		if rows.Scan(&k, &n) == nil {
			out[k] = n
		}
	}
	return out
}

func (s *Store) windowStart(now time.Time) int64 {
	return now.Add(-s.throttle.opts.Window).Unix()
}

// recordFailures counts a failure of each key for every node, and drops
// counts whose window has passed.
func (s *Store) recordFailures(ctx context.Context, now time.Time, keys ...string) {
	if !s.d.pg {
		return
	}
	since := s.windowStart(now)
	ctx = context.WithoutCancel(ctx) // a client gone counts all the same
	err := s.write(ctx, func(tx *wtx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE first_at <= ?`, since); err != nil {
			return err
		}
		for _, k := range keys {
			if _, err := tx.ExecContext(ctx, `INSERT INTO login_failures (key, n, first_at) VALUES (?, 1, ?)
				ON CONFLICT (key) DO UPDATE SET n = login_failures.n + 1`, k, now.Unix()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		s.log.Error("recording a failed login", "err", err)
	}
}

// clearFailures forgets the failures of key on every node (after a
// successful login to the account).
func (s *Store) clearFailures(ctx context.Context, key string) {
	ctx = context.WithoutCancel(ctx)
	err := s.write(ctx, func(tx *wtx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE key = ?`, key)
		return err
	})
	if err != nil {
		s.log.Error("clearing failed logins", "err", err)
	}
}
