package groups

import (
	"context"
	"errors"
	"time"
)

// archivePost appends an accepted post to its group's archive (feature
// "message"), as archiveTx does, with the statements of the batch's
// statement cache and the list row already read: a batch of posts runs
// them many times. Its search text is left to IndexArchive, out of the
// accepting transaction. It returns the post's IMAP UID and its row id
// (messages.mid).
func (a *acceptTx) archivePost(ctx context.Context, l *listRow, received time.Time, messageID string, data []byte) (uid, mid int64, err error) {
	if uid, err = a.nextUID(ctx, l.gid); err != nil {
		return 0, 0, err
	}
	head, pieces := splitPieces(data)
	err = a.q.QueryRowContext(ctx, `INSERT INTO messages (gid, uid, message_id, received, size, data)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING mid`, l.gid, uid, messageID, received.Unix(), len(data), head).Scan(&mid)
	if err != nil {
		return 0, 0, err
	}
	if err := insertPieces(ctx, a.q, mid, pieces); err != nil {
		return 0, 0, err
	}
	// The search text is written later (IndexArchive).
	if _, err := a.q.ExecContext(ctx, `INSERT INTO imap_text_todo (mid) VALUES (?) ON CONFLICT DO NOTHING`, mid); err != nil {
		return 0, 0, err
	}
	a.tx.emit(Change{Kind: ChangeData, GroupID: l.id, Feature: FeatureMessage, Ref: uid})
	return uid, mid, nil
}

// nextUID is imapNextUID through the statement cache; the first message
// of a group falls back to imapNextUID, which creates the counter.
func (a *acceptTx) nextUID(ctx context.Context, gid int64) (int64, error) {
	var uid int64
	err := a.q.QueryRowContext(ctx, `UPDATE imap_mailboxes SET uidnext = uidnext + 1 WHERE gid = ?
		RETURNING uidnext - 1`, gid).Scan(&uid)
	if errors.Is(err, errNoRows) {
		return imapNextUID(ctx, a.tx, gid)
	}
	return uid, err
}
