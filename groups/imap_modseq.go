package groups

import (
	"context"
	"errors"
)

// Mod-sequences of the IMAP archive (CONDSTORE and QRESYNC, RFC 7162
// §3.1.1, migration 0022). One counter per group orders everything that
// changes its mailbox:
//   - a message's arrival has the mod-sequence uid * ImapArrivalStep: the
//     UID says it, so archiving a post writes nothing more (UIDs grow, so
//     arrivals are ordered);
//   - a user's flag change takes the next value of the group's counter,
//     imap_mailboxes.modseq, raised above every arrival so far, inside the
//     write transaction: the row is locked until commit, so several nodes
//     on one PostgreSQL database hand out each value once and in commit
//     order;
//   - a purge does the same (a trigger) and records the value in
//     purged_modseq.
//
// A message's mod-sequence for a user is the later of its arrival and
// that user's last change of its flags (imap_flags.modseq); the user's
// HIGHESTMODSEQ is the latest of the last arrival, the last purge and
// that user's last change, read from the counter row and an index.
// ImapArrivalStep leaves 2^31 flag changes between two arrivals; UIDs
// below 2^32 keep every value within the 63 bits RFC 7162 §7 allows.
const ImapArrivalStep = 1 << 31

// ImapModSeqs is the mod-sequence state of a user's mailbox.
type ImapModSeqs struct {
	Highest uint64 // HIGHESTMODSEQ (RFC 7162 §3.1.2.1), at least 1
	Purged  uint64 // the last purge's mod-sequence, 0 for none
	LastUID uint32 // the last UID given (UIDNEXT-1), the message maybe purged
}

// imapModSeqsQ is the SQL of ImapModSeqs for user ? and group ?.
const imapModSeqsQ = `SELECT COALESCE(im.uidnext, 1), COALESCE(im.purged_modseq, 0),
	COALESCE((SELECT MAX(f.modseq) FROM imap_flags f WHERE f.user_id = ? AND f.gid = g.gid), 0)
	FROM groups g LEFT JOIN imap_mailboxes im ON im.gid = g.gid WHERE g.gid = ?`

func imapModSeqsOf(uidnext, purged, flags int64) ImapModSeqs {
	m := ImapModSeqs{Purged: uint64(purged), LastUID: uint32(max(uidnext-1, 0))}
	m.Highest = max(1, uint64(uidnext-1)*ImapArrivalStep, m.Purged, uint64(flags))
	return m
}

// ImapModSeqs returns a's HIGHESTMODSEQ of the group's archive and the
// mod-sequence of its last purge.
func (s *Store) ImapModSeqs(ctx context.Context, a Actor, groupID string) (ImapModSeqs, error) {
	acc, err := s.imapAccess(ctx, a, groupID)
	if err != nil {
		return ImapModSeqs{}, err
	}
	user, err := s.actorUID(ctx, a)
	if err != nil {
		return ImapModSeqs{}, err
	}
	var next, purged, flags int64
	err = s.rdb.QueryRowContext(ctx, imapModSeqsQ, user, acc.gid).Scan(&next, &purged, &flags)
	if errors.Is(err, errNoRows) {
		return ImapModSeqs{}, errGroupNotFound()
	}
	return imapModSeqsOf(next, purged, flags), err
}

// ImapChangedSince returns the UIDs of the group's messages whose
// mod-sequence for a is above since, ascending: those that arrived after
// it and those whose flags a changed after it (RFC 7162 §3.1.4.1). Both
// are index ranges, so a mailbox of 10,000 messages with one change
// costs one row, not 10,000.
func (s *Store) ImapChangedSince(ctx context.Context, a Actor, groupID string, since uint64) ([]uint32, error) {
	acc, err := s.imapAccess(ctx, a, groupID)
	if err != nil {
		return nil, err
	}
	user, err := s.actorUID(ctx, a)
	if err != nil {
		return nil, err
	}
	rows, err := s.rdb.QueryContext(ctx, `SELECT uid FROM messages WHERE gid = ? AND uid > ?
		UNION SELECT f.uid FROM imap_flags f JOIN messages m ON m.gid = f.gid AND m.uid = f.uid
		WHERE f.user_id = ? AND f.gid = ? AND f.modseq > ? ORDER BY 1`,
		acc.gid, int64(since/ImapArrivalStep), user, acc.gid, int64(min(since, 1<<63-1)))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []uint32
	for rows.Next() {
		var u uint32
		if err := rows.Scan(&u); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// imapModSeqOf is a message's mod-sequence for a user whose last change
// of its flags had flagModSeq.
func imapModSeqOf(uid uint32, flagModSeq int64) uint64 {
	return max(uint64(uid)*ImapArrivalStep, uint64(flagModSeq))
}

// imapNextModSeq takes the group's next mod-sequence inside tx (see the
// top of this file): above the last value given and the last arrival.
func imapNextModSeq(ctx context.Context, tx *wtx, gid int64) (uint64, error) {
	var m int64
	err := tx.QueryRowContext(ctx, `UPDATE imap_mailboxes SET modseq = CASE
		WHEN modseq > (uidnext - 1) * 2147483648 THEN modseq ELSE (uidnext - 1) * 2147483648 END + 1
		WHERE gid = ? RETURNING modseq`, gid).Scan(&m)
	return uint64(m), err
}
