package groups

import "context"

// SummariseUnsubscribes tells the masters of each list the external
// addresses that left it by their unsubscribe link since the list's last
// summary (issue 13: one notice a day, not one per removal). A list whose
// last summary went out less than UnsubscribeSummaryEvery ago waits; the
// first removal of a list is summarised at the next call. The daemon
// calls it every hour. Each summary is queued in the transaction that
// marks its rows summarised, so a crash neither loses nor repeats one,
// and on PostgreSQL two nodes calling at once send it once (the second
// UPDATE waits for the first and then finds no unmarked row). It returns
// the number of summaries queued.
func (s *Store) SummariseUnsubscribes(ctx context.Context) (int, error) {
	now := s.opts.Now()
	// Rows summarised a month ago have done their part; a list's newest
	// summary is within a day of any later one's rows (the HAVING below).
	if err := s.write(ctx, func(tx *wtx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM list_unsubscribes WHERE summarised > 0 AND summarised < ?`,
			now.Add(-30*UnsubscribeSummaryEvery).Unix())
		return err
	}); err != nil {
		return 0, err
	}
	var gids []int64
	rows, err := s.rdb.QueryContext(ctx, `SELECT gid FROM list_unsubscribes GROUP BY gid
		HAVING MIN(summarised) = 0 AND MAX(summarised) <= ? ORDER BY gid`, now.Add(-UnsubscribeSummaryEvery).Unix())
	if err != nil {
		return 0, err
	}
	for rows.Next() {
		var gid int64
		if err := rows.Scan(&gid); err != nil {
			rows.Close()
			return 0, err
		}
		gids = append(gids, gid)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	sent := 0
	for _, gid := range gids {
		err := s.write(ctx, func(tx *wtx) error {
			ok, err := s.summariseList(ctx, tx, gid)
			if ok {
				sent++
			}
			return err
		})
		if err != nil {
			return sent, err
		}
	}
	return sent, nil
}

// summariseList marks group gid's unsummarised removals and queues their
// summary to its masters; false when another node did it first.
func (s *Store) summariseList(ctx context.Context, tx *wtx, gid int64) (bool, error) {
	type removal struct {
		address, via string
		at           int64
	}
	rows, err := tx.QueryContext(ctx, `UPDATE list_unsubscribes SET summarised = ? WHERE gid = ? AND summarised = 0
		RETURNING address, via, removed_at`, tx.unix(), gid)
	if err != nil {
		return false, err
	}
	var rs []removal
	for rows.Next() {
		var r removal
		if err := rows.Scan(&r.address, &r.via, &r.at); err != nil {
			rows.Close()
			return false, err
		}
		rs = append(rs, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(rs) == 0 {
		return false, err
	}
	var name, list string
	if err := tx.QueryRowContext(ctx, `SELECT name, list_address FROM groups WHERE gid = ?`, gid).Scan(&name, &list); err != nil {
		return false, err
	}
	n := UnsubscribedNotice{Group: name, List: list}
	for _, r := range rs {
		n.Removals = append(n.Removals, Removal{Address: r.address, At: unixTime(r.at), Via: r.via})
	}
	return true, s.noticeMasters(ctx, tx, gid, n, nil)
}
