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
	head, pieces := splitPieces(data)
	err = errNoRows
	if a.tx.d.pg {
		uid, mid, err = a.archiveAtOnce(ctx, l.gid, received, messageID, len(data), head)
	}
	if errors.Is(err, errNoRows) { // SQLite, or the group's first post
		uid, mid, err = a.archiveStepwise(ctx, l.gid, received, messageID, len(data), head)
	}
	if err != nil {
		return 0, 0, err
	}
	if err := insertPieces(ctx, a.q, mid, pieces); err != nil {
		return 0, 0, err
	}
	a.tx.emit(Change{Kind: ChangeData, GroupID: l.id, Feature: FeatureMessage, Ref: uid})
	return uid, mid, nil
}

// archiveStepwise takes the group's next UID, stores the post's row and
// puts it on the indexer's list (its search text is written later,
// IndexArchive): three statements.
func (a *acceptTx) archiveStepwise(ctx context.Context, gid int64, received time.Time, messageID string, size int, head []byte) (uid, mid int64, err error) {
	if uid, err = a.nextUID(ctx, gid); err != nil {
		return 0, 0, err
	}
	err = a.q.QueryRowContext(ctx, `INSERT INTO messages (gid, uid, message_id, received, size, data)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING mid`, gid, uid, messageID, received.Unix(), size, head).Scan(&mid)
	if err != nil {
		return 0, 0, err
	}
	_, err = a.q.ExecContext(ctx, `INSERT INTO imap_text_todo (mid) VALUES (?) ON CONFLICT DO NOTHING`, mid)
	return uid, mid, err
}

// archiveAtOnce is archiveStepwise in one statement, for PostgreSQL (its
// data-modifying WITH: one round trip where there were three). errNoRows
// for a group's first post, whose UID counter archiveStepwise creates.
func (a *acceptTx) archiveAtOnce(ctx context.Context, gid int64, received time.Time, messageID string, size int, head []byte) (uid, mid int64, err error) {
	err = a.q.QueryRowContext(ctx, `WITH
		n AS (UPDATE imap_mailboxes SET uidnext = uidnext + 1 WHERE gid = ?::bigint RETURNING gid, uidnext - 1 AS uid),
		m AS (INSERT INTO messages (gid, uid, message_id, received, size, data)
			SELECT n.gid, n.uid, ?::text, ?::bigint, ?::bigint, ?::bytea FROM n RETURNING mid, uid),
		t AS (INSERT INTO imap_text_todo (mid) SELECT mid FROM m ON CONFLICT DO NOTHING)
		SELECT uid, mid FROM m`, gid, messageID, received.Unix(), size, head).Scan(&uid, &mid)
	return uid, mid, err
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
