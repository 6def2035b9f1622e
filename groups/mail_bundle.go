package groups

import (
	"context"
)

// A post to a list is accepted with its recipients in one bundle row
// (outbound_bundles, migration 24): their addresses as a JSON array of
// strings, not a queue row each. The bundle is on disk before 250 and
// names every recipient, so nothing more is needed to deliver the post
// (issue 14: acceptance wrote a hundred rows and their index entries
// for a hundred-member list). The queue turns bundles into ordinary
// queue rows when it has room for them (Unbundle), so that a stalled
// relay does not make acceptance pay for rows nobody takes; from then
// on the rows are the queue's, as before.

// Unbundle turns the oldest bundles into queue rows, about want
// recipients' worth (at least one bundle, whole bundles only), in one
// write transaction that deletes them, and returns how many rows it
// made. The rows are what acceptance used to write: queued, due now. On
// PostgreSQL the bundles are taken FOR UPDATE SKIP LOCKED, so two nodes
// never expand one twice. With no bundle it only reads.
func (s *Store) Unbundle(ctx context.Context, want int) (int, error) {
	var has bool
	if err := s.rdb.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM outbound_bundles)`).Scan(&has); err != nil || !has {
		return 0, err
	}
	var made int
	err := s.write(ctx, func(tx *wtx) error {
		oids, err := s.takeBundles(ctx, tx, want)
		if err != nil || len(oids) == 0 {
			return err
		}
		made, err = expandBundles(ctx, tx, oids)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM outbound_bundles WHERE oid IN (`+marks(len(oids))+`)`, int64Args(oids)...)
		return err
	})
	return made, err
}

// takeBundles picks the oldest bundles, in order, until they hold want
// recipients. It reads their sizes only, a few bundles at a time, so as
// to read and lock (PostgreSQL) few more than it takes.
func (s *Store) takeBundles(ctx context.Context, tx *wtx, want int) ([]int64, error) {
	lock := ""
	if s.d.pg {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	var oids []int64
	total, after, step := 0, int64(0), 16
	for total < want || len(oids) == 0 {
		rows, err := tx.QueryContext(ctx, `SELECT oid, n FROM outbound_bundles WHERE oid > ? ORDER BY oid LIMIT ?`+lock, after, step)
		if err != nil {
			return nil, err
		}
		got := 0
		for rows.Next() {
			var oid int64
			var n int
			if err := rows.Scan(&oid, &n); err != nil {
				rows.Close()
				return nil, err
			}
			got++
			after = oid
			if total < want || len(oids) == 0 {
				oids = append(oids, oid)
				total += n
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		if got < step {
			break
		}
		step *= 4
	}
	return oids, nil
}

// expandBundles inserts the queue rows of bundles oids in one statement:
// the database reads the addresses out of the bundles itself. The rows'
// order is the database's (no sort: the queue orders what it takes by
// message and domain).
func expandBundles(ctx context.Context, tx *wtx, oids []int64) (int, error) {
	args := append([]any{tx.unix()}, int64Args(oids)...)
	res, err := tx.ExecContext(ctx, `INSERT INTO outbound_rcpts (oid, rcpt, next_try)
		SELECT b.oid, j.value, ? FROM outbound_bundles b, `+tx.d.jsonElements("b.rcpts")+`
		WHERE b.oid IN (`+marks(len(oids))+`)`, args...)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}
