package groups

import (
	"context"
	"database/sql"
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

// loginRead is what a login reads from the database before it checks the
// password, on PostgreSQL: the failures every node recorded within the
// window for the address and the account, and the account's row, in one
// statement (one round trip, where it was two). The row serves a login
// that the login cache answers (Authenticate); one that hashes reads the
// row again after the hash.
type loginRead struct {
	failures map[string]int // by key; nil on SQLite and after an error
	user     *User          // nil: no such account
	ok       bool           // user was read
}

// readLogin reads a login's loginRead; on SQLite, nothing (one process:
// the in-memory counts hold, and the account row is read in-process
// when needed).
func (s *Store) readLogin(ctx context.Context, now time.Time, ipKey, acctKey, email string) loginRead {
	if !s.d.pg {
		return loginRead{}
	}
	since := s.windowStart(now)
	var ipN, acctN, uid, created sql.NullInt64
	var addr, name sql.NullString
	var admin sql.NullBool
	err := s.rdb.QueryRowContext(ctx, `SELECT
		(SELECT n FROM login_failures WHERE key = ? AND first_at > ?),
		(SELECT n FROM login_failures WHERE key = ? AND first_at > ?),
		u.uid, u.email, u.name, u.admin, u.created_at
		FROM (SELECT 1 AS one) o LEFT JOIN users u ON u.email = ?`,
		ipKey, since, acctKey, since, email).Scan(&ipN, &acctN, &uid, &addr, &name, &admin, &created)
	if err != nil {
		s.log.Error("reading failed logins", "err", err)
		return loginRead{}
	}
	r := loginRead{failures: map[string]int{}, ok: true}
	if ipN.Valid {
		r.failures[ipKey] = int(ipN.Int64)
	}
	if acctN.Valid {
		r.failures[acctKey] = int(acctN.Int64)
	}
	if uid.Valid {
		r.user = s.userFromRow(uid.Int64, addr.String, name.String, admin.Bool, created.Int64)
	}
	return r
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
