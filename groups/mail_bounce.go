package groups

import (
	"context"
	"errors"
	"strings"
)

// DefaultBounceLimit is how many hard bounces disable an external member.
const DefaultBounceLimit = 5

// IsHardBounce reports whether an enhanced status code is a permanent
// failure that counts against a recipient: 5.x.x, except 5.7.x, which is
// a policy rejection (DMARC, spam filters) and says nothing about whether
// the mailbox works.
func IsHardBounce(code string) bool {
	return strings.HasPrefix(code, "5.") && !strings.HasPrefix(code, "5.7.")
}

// RecordBounce records a bounce that came back to the VERP address with
// token: rcpt failed with enhanced status code (from the DSN). It counts
// only for a recipient that the token's own transaction carried (a row
// the relay accepted under that envelope sender), and at most once per
// post and recipient, so that whoever holds one copy's token cannot
// report others (issue 16 item 7). rcpt "" (a report that names no
// recipient) means the transaction's recipient when it carried one alone,
// and nobody otherwise. A bounce that is not hard is ignored.
func (s *Store) RecordBounce(ctx context.Context, token, rcpt, code, diag string, bounceLimit int) error {
	rid, salt, ok := s.opts.Addresses.ParseVERPToken(token)
	if !ok {
		return errorf(ErrNotFound, "no such bounce token")
	}
	return s.write(ctx, func(tx *wtx) error {
		var oid, gid int64
		err := tx.QueryRowContext(ctx, `SELECT r.oid, o.gid FROM outbound_rcpts r JOIN outbound o ON o.oid = r.oid
			WHERE r.rid = ? AND o.salt = ? AND o.gid IS NOT NULL`, rid, salt).Scan(&oid, &gid)
		if errors.Is(err, errNoRows) {
			return errorf(ErrNotFound, "no such bounce token")
		}
		if err != nil || !IsHardBounce(code) {
			return err
		}
		row, rcpt, err := carriedRow(ctx, tx, oid, rid, normAddr(rcpt))
		if err != nil || row == 0 {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE outbound_rcpts SET bounced = 1 WHERE rid = ? AND bounced = 0`, row)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err // counted already
		}
		return s.countBounce(ctx, tx, gid, rcpt, code, diag, bounceLimit)
	})
}

// carriedRow finds the row of post oid to rcpt that the transaction with
// first row first carried; rcpt "" takes the transaction's only row. Row 0:
// none.
func carriedRow(ctx context.Context, tx *wtx, oid, first int64, rcpt string) (int64, string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT rid, rcpt FROM outbound_rcpts WHERE oid = ? AND txn = ?`, oid, first)
	if err != nil {
		return 0, "", err
	}
	defer rows.Close()
	var found int64
	var addr string
	n := 0
	for rows.Next() {
		var r int64
		var a string
		if err := rows.Scan(&r, &a); err != nil {
			return 0, "", err
		}
		n++
		if rcpt == "" || a == rcpt {
			found, addr = r, a
		}
	}
	if rcpt == "" && n != 1 {
		found = 0 // several recipients: nobody can be blamed
	}
	return found, addr, rows.Err()
}

// markCarried records which transaction carried each accepted row.
func markCarried(ctx context.Context, tx *wtx, carried []Carried) error {
	for _, c := range carried {
		for rows := c.Rows; len(rows) > 0; {
			chunk := rows[:min(len(rows), 500)]
			rows = rows[len(chunk):]
			args := []any{c.First}
			for _, r := range chunk {
				args = append(args, r)
			}
			_, err := tx.ExecContext(ctx, `UPDATE outbound_rcpts SET txn = ? WHERE rid IN (`+marks(len(chunk))+`)`, args...)
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// countBounce adds a hard bounce of rcpt, when it is an external member
// of group gid, and disables it at bounceLimit, telling the masters.
func (s *Store) countBounce(ctx context.Context, tx *wtx, gid int64, rcpt, code, diag string, bounceLimit int) error {
	if !IsHardBounce(code) {
		return nil
	}
	if ok, err := inListSet(ctx, tx, gid, "external", rcpt); !ok || err != nil {
		return err
	}
	if bounceLimit <= 0 {
		bounceLimit = DefaultBounceLimit
	}
	var hard int
	var disabled bool
	err := tx.QueryRowContext(ctx, `INSERT INTO list_bounces (gid, address, hard, last_error, updated_at) VALUES (?, ?, 1, ?, ?)
		ON CONFLICT (gid, address) DO UPDATE SET hard = list_bounces.hard + 1, last_error = excluded.last_error, updated_at = excluded.updated_at
		RETURNING hard, disabled`, gid, rcpt, clip(code+" "+diag), tx.unix()).Scan(&hard, &disabled)
	if err != nil || disabled || hard < bounceLimit {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE list_bounces SET disabled = 1 WHERE gid = ? AND address = ?`, gid, rcpt); err != nil {
		return err
	}
	var list string
	if err := tx.QueryRowContext(ctx, `SELECT list_address FROM groups WHERE gid = ?`, gid).Scan(&list); err != nil {
		return err
	}
	n := DisabledNotice{List: list, Address: rcpt, Bounces: hard, Code: code, Diagnostic: diag}
	return s.noticeMasters(ctx, tx, gid, n, nil)
}

// BounceState reports the hard bounces counted for address on the list of
// group groupID, and whether the address is disabled.
func (s *Store) BounceState(ctx context.Context, groupID, address string) (hard int, disabled bool, err error) {
	err = s.rdb.QueryRowContext(ctx, `SELECT b.hard, b.disabled FROM list_bounces b JOIN groups g ON g.gid = b.gid
		WHERE g.id = ? AND b.address = ?`, groupID, normAddr(address)).Scan(&hard, &disabled)
	if errors.Is(err, errNoRows) {
		return 0, false, nil
	}
	return hard, disabled, err
}
