package groups

import (
	"context"
	"time"
)

// Claims of work by node (PostgreSQL). Several nodes on one database
// each run a queue: a node takes due rows by claiming them in a write
// transaction (FOR UPDATE SKIP LOCKED, lease = when the claim ends, node
// = Options.NodeID), renews its claims while it lives (RenewClaims), and
// clears them when it records the outcome (updateRows: lease = 0). The
// rows of a node that died are taken over by another once their lease
// has passed. On SQLite there is one node, whose queue keeps its rows in
// flight in memory: nothing is claimed there.

// leaseEnd is when a claim made now ends, in unix seconds.
func (s *Store) leaseEnd(now time.Time) int64 {
	return now.Add(s.opts.Lease + time.Second - 1).Unix()
}

// claimable is the condition on a row r that another node may claim: no
// claim, or another node's claim that has run out (args: now, node). A
// row this node holds stays its own until it records the outcome.
const claimable = `(r.lease = 0 OR (r.lease <= ? AND r.node <> ?))`

// claimOutbound claims up to limit queue rows chosen by where (with
// args), in order, for this node, and returns them sorted by message
// and recipient domain.
func (s *Store) claimOutbound(ctx context.Context, now time.Time, limit int, where, order string, args ...any) ([]OutboundItem, error) {
	args = append(args, now.Unix(), s.node, limit)
	args = append([]any{s.leaseEnd(now), s.node}, args...)
	var out []OutboundItem
	err := s.write(ctx, func(tx *wtx) error {
		out = out[:0]
		rows, err := tx.QueryContext(ctx, `UPDATE outbound_rcpts SET lease = ?, node = ? FROM outbound o
			WHERE o.oid = outbound_rcpts.oid AND outbound_rcpts.rid IN (SELECT r.rid FROM outbound_rcpts r
				WHERE `+where+` AND `+claimable+` ORDER BY `+order+` LIMIT ? FOR UPDATE SKIP LOCKED)
			RETURNING outbound_rcpts.rid, outbound_rcpts.oid, outbound_rcpts.rcpt, outbound_rcpts.attempts, o.created_at,
				COALESCE(o.gid, 0), COALESCE(`+unsubKidSQL("outbound_rcpts.rcpt")+`, 0)`,
			args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var it OutboundItem
			var created int64
			if err := rows.Scan(&it.RID, &it.OID, &it.Rcpt, &it.Attempts, &created, &it.gid, &it.kid); err != nil {
				return err
			}
			it.Created = unixTime(created)
			out = append(out, it)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	sortItems(out)
	return out, s.signItems(ctx, out)
}

// RenewClaims extends this node's claims on queue rows in flight by a
// lease from now; a queue calls it every third of a lease. A no-op on
// SQLite.
func (s *Store) RenewClaims(ctx context.Context) error {
	if !s.d.pg {
		return nil
	}
	return s.write(ctx, func(tx *wtx) error {
		_, err := tx.ExecContext(ctx, `UPDATE outbound_rcpts SET lease = ?
			WHERE node = ? AND lease > 0 AND state = 'queued'`, s.leaseEnd(tx.now), s.node)
		return err
	})
}

// ReleaseClaims gives up this Store's claims on queue rows, so that they
// are due again at once: a Queue calls it when it starts (rows an earlier
// run on this Store left in flight) and once its last worker has
// recorded its batch (a stopping node hands its rows over without
// making the others wait for the lease). A no-op on SQLite.
func (s *Store) ReleaseClaims(ctx context.Context) error {
	if !s.d.pg {
		return nil
	}
	return s.write(ctx, func(tx *wtx) error {
		_, err := tx.ExecContext(ctx, `UPDATE outbound_rcpts SET lease = 0
			WHERE node = ? AND lease > 0 AND state = 'queued'`, s.node)
		return err
	})
}

// claimIndexTodo claims up to limit posts waiting for their search text
// for this node (PostgreSQL), and gives the condition on imap_text_todo t
// that reads the ones it holds.
func (s *Store) claimIndexTodo(ctx context.Context, limit int) (string, []any, error) {
	if !s.d.pg {
		return "", nil, nil
	}
	now := s.opts.Now()
	err := s.write(ctx, func(tx *wtx) error {
		// Indexing is idempotent: a claim only saves the work twice.
		_, err := tx.ExecContext(ctx, `UPDATE imap_text_todo SET lease = ?, node = ? WHERE mid IN (
			SELECT mid FROM imap_text_todo WHERE lease <= ? ORDER BY mid LIMIT ? FOR UPDATE SKIP LOCKED)`,
			s.leaseEnd(now), s.node, now.Unix(), limit)
		return err
	})
	return `WHERE t.node = ? AND t.lease > ?`, []any{s.node, now.Unix()}, err
}

// indexTodoFree is the condition on imap_text_todo t of posts no other
// node is indexing (PostgreSQL).
func (s *Store) indexTodoFree() (string, []any) {
	if !s.d.pg {
		return "", nil
	}
	return `WHERE (t.lease <= ? OR t.node = ?)`, []any{s.opts.Now().Unix(), s.node}
}
