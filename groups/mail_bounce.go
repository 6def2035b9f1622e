package groups

import (
	"context"
	"errors"
	"strings"

	"groupd/internal/notice"
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
// token: rcpt failed with enhanced status code (from the DSN). rcpt ""
// (a report that names no recipient) means the row's own recipient when
// its transaction carried it alone, and nobody otherwise. A bounce for an address that was not a
// recipient of the post is ignored, and so is one that is not hard.
func (s *Store) RecordBounce(ctx context.Context, token, rcpt, code, diag string, bounceLimit int) error {
	rid, salt, ok := ParseVERPToken(token)
	if !ok {
		return errorf(ErrNotFound, "no such bounce token")
	}
	return s.write(ctx, func(tx *wtx) error {
		var oid, gid int64
		var rowRcpt string
		err := tx.QueryRowContext(ctx, `SELECT r.oid, r.rcpt, o.gid FROM outbound_rcpts r JOIN outbound o ON o.oid = r.oid
			WHERE r.rid = ? AND o.salt = ? AND o.gid IS NOT NULL`, rid, salt).Scan(&oid, &rowRcpt, &gid)
		if errors.Is(err, errNoRows) {
			return errorf(ErrNotFound, "no such bounce token")
		}
		if err != nil {
			return err
		}
		if rcpt = normAddr(rcpt); rcpt == "" {
			// The transaction's first row is in the token; the report is
			// that row's only when it went alone (the queue batches the
			// recipients of one domain).
			if alone, err := aloneInDomain(ctx, tx, oid, rid, rowRcpt); err != nil || !alone {
				return err
			}
			rcpt = rowRcpt
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbound_rcpts WHERE oid = ? AND rcpt = ?`, oid, rcpt).Scan(&n); err != nil || n == 0 {
			return err
		}
		return s.countBounce(ctx, tx, gid, rcpt, code, diag, bounceLimit)
	})
}

// aloneInDomain reports whether row rid (to rcpt) is post oid's only
// recipient in rcpt's domain, so that its transaction carried it alone.
func aloneInDomain(ctx context.Context, tx *wtx, oid, rid int64, rcpt string) (bool, error) {
	rows, err := tx.QueryContext(ctx, `SELECT rcpt FROM outbound_rcpts WHERE oid = ? AND rid <> ?`, oid, rid)
	others, err := scanStrings(rows, err)
	for _, o := range others {
		if domainOf(o) == domainOf(rcpt) {
			return false, err
		}
	}
	return true, err
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
		ON CONFLICT (gid, address) DO UPDATE SET hard = hard + 1, last_error = excluded.last_error, updated_at = excluded.updated_at
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
	c := s.notices
	var b notice.Body
	b.Para(c.T("bounce.disabled.intro", list, rcpt, hard))
	b.Lines("  " + code + " " + diag)
	b.Para(c.T("bounce.disabled.outro", rcpt))
	return s.noticeMasters(ctx, tx, gid, c.T("bounce.disabled.subject", rcpt), b.String(), nil)
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
