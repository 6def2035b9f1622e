package groups

import (
	"context"
)

// imapStatusBatch is how many groups one ImapStatuses query covers.
const imapStatusBatch = 100

// ImapStatuses returns, by group id, the counts ImapOpen gives (and the
// HIGHESTMODSEQ ImapModSeqs gives) for each of groupIDs that a may still
// read (a member, the message feature on):
// the status of every mailbox of a LIST-STATUS (RFC 5819) in a query per
// hundred groups rather than several per group. Groups a lost access to
// are left out. The ids come from ImapMailboxes, which applied the whole
// Authorize rule a moment before.
func (s *Store) ImapStatuses(ctx context.Context, a Actor, groupIDs []string) (map[string]ImapMailbox, error) {
	uid, err := s.actorUID(ctx, a)
	if err != nil {
		return nil, err
	}
	out := make(map[string]ImapMailbox, len(groupIDs))
	for len(groupIDs) > 0 {
		n := min(len(groupIDs), imapStatusBatch)
		if err := s.imapStatusBatch(ctx, uid, groupIDs[:n], out); err != nil {
			return nil, err
		}
		groupIDs = groupIDs[n:]
	}
	return out, nil
}

func (s *Store) imapStatusBatch(ctx context.Context, uid int64, ids []string, out map[string]ImapMailbox) error {
	args := []any{uid, uid, uid}
	for _, id := range ids {
		args = append(args, id)
	}
	rows, err := s.rdb.QueryContext(ctx, `SELECT g.id, g.name, COALESCE(im.uidvalidity, g.created_at), COALESCE(im.uidnext, 1),
		(SELECT COUNT(*) FROM messages m WHERE m.gid = g.gid),
		(SELECT COALESCE(SUM(m.size), 0) FROM messages m WHERE m.gid = g.gid),
		(SELECT COUNT(*) FROM messages m WHERE m.gid = g.gid AND NOT EXISTS (
		   SELECT 1 FROM imap_flags f WHERE f.gid = m.gid AND f.uid = m.uid AND f.user_id = ? AND f.seen = 1)),
		COALESCE(im.purged_modseq, 0),
		COALESCE((SELECT MAX(f.modseq) FROM imap_flags f WHERE f.user_id = ? AND f.gid = g.gid), 0)
		FROM groups g JOIN memberships ms ON ms.gid = g.gid
		LEFT JOIN imap_mailboxes im ON im.gid = g.gid
		WHERE ms.uid = ? AND g.f_message = 1 AND g.id IN (`+marks(len(ids))+`)`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var mb ImapMailbox
		var validity, next, purged, flags int64
		if err := rows.Scan(&mb.GroupID, &mb.Name, &validity, &next, &mb.Messages, &mb.Size, &mb.Unseen, &purged, &flags); err != nil {
			return err
		}
		mb.HighestModSeq = imapModSeqsOf(next, purged, flags).Highest
		mb.UIDValidity, mb.UIDNext = imapUIDValidity(validity), uint32(next)
		out[mb.GroupID] = mb
	}
	return rows.Err()
}
