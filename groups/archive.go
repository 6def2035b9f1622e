package groups

import (
	"context"
	"time"
)

// ArchiveMessage appends a message to a group's archive (feature
// "message") and returns its IMAP UID. It is for the mail server and for
// conversions, which apply their own rules before; it checks only that the
// group exists and has the feature on. The change feed announces it.
func (s *Store) ArchiveMessage(ctx context.Context, groupID string, received time.Time, messageID string, data []byte) (uid int64, err error) {
	err = s.write(ctx, func(tx *wtx) error {
		uid, err = s.archiveTx(ctx, tx, groupID, received, messageID, data)
		return err
	})
	return uid, err
}

func (s *Store) archiveTx(ctx context.Context, tx *wtx, groupID string, received time.Time, messageID string, data []byte) (int64, error) {
	var gid int64
	var on bool
	err := tx.QueryRowContext(ctx, `SELECT gid, f_message FROM groups WHERE id = ?`, groupID).Scan(&gid, &on)
	if err == errNoRows {
		return 0, errGroupNotFound()
	}
	if err != nil {
		return 0, err
	}
	if !on {
		return 0, errorf(ErrNotFound, "the message feature is not available in this group")
	}
	uid, err := imapNextUID(ctx, tx, gid)
	if err != nil {
		return 0, err
	}
	head, pieces := splitPieces(data)
	var mid int64
	err = tx.QueryRowContext(ctx, `INSERT INTO messages (gid, uid, message_id, received, size, data)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING mid`, gid, uid, messageID, received.Unix(), len(data), head).Scan(&mid)
	if err != nil {
		return 0, err
	}
	if err := insertPieces(ctx, tx, mid, pieces); err != nil {
		return 0, err
	}
	if err := s.imapIndex(ctx, tx, gid, uid, mid, data); err != nil {
		return 0, err
	}
	tx.emit(Change{Kind: ChangeData, GroupID: groupID, Feature: FeatureMessage, Ref: uid})
	return uid, nil
}
