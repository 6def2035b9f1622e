package groups

import (
	"context"
	"errors"
)

// imapNextUID reserves the next IMAP UID of group gid's archive inside tx.
// The counter lives in imap_mailboxes and only grows, so a purge never
// makes a UID name a different message (RFC 3501 §2.3.1.1). A group
// without a row yet starts after its highest archived UID.
func imapNextUID(ctx context.Context, tx *wtx, gid int64) (int64, error) {
	var uid int64
	err := tx.QueryRowContext(ctx, `UPDATE imap_mailboxes SET uidnext = uidnext + 1 WHERE gid = ?
		RETURNING uidnext - 1`, gid).Scan(&uid)
	if !errors.Is(err, errNoRows) {
		return uid, err
	}
	err = tx.QueryRowContext(ctx, `INSERT INTO imap_mailboxes (gid, uidvalidity, uidnext)
		SELECT g.gid, g.created_at, COALESCE((SELECT MAX(m.uid) FROM messages m WHERE m.gid = g.gid), 0) + 2
		FROM groups g WHERE g.gid = ?
		RETURNING uidnext - 1`, gid).Scan(&uid)
	return uid, err
}

// imapUIDValidity turns a stored uidvalidity (a unix time) into the
// non-zero 32-bit number IMAP wants (RFC 3501 §2.3.1.1).
func imapUIDValidity(v int64) uint32 {
	u := uint32(v)
	if u == 0 {
		u = 1
	}
	return u
}
