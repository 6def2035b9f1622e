package groups

import (
	"context"
	"errors"
)

// ImapMailbox is a group's message archive seen as an IMAP mailbox by one
// user (package imap). Counts are for that user's flags.
type ImapMailbox struct {
	GroupID     string
	Name        string // the group's name, as is
	UIDValidity uint32 // stable for the group's life
	UIDNext     uint32 // the UID the next archived post will get
	Messages    uint32
	Unseen      uint32 // messages without this user's \Seen
	Size        int64  // bytes of all messages
	// HighestModSeq is the user's HIGHESTMODSEQ (ImapModSeqs), filled by
	// ImapStatuses only.
	HighestModSeq uint64
}

// ImapMailboxes lists the groups whose archive a is allowed to read over
// IMAP: groups a belongs to with the message feature on (and not disabled
// by policy), by name. Counts are left zero; ImapOpen fills them.
func (s *Store) ImapMailboxes(ctx context.Context, a Actor) ([]ImapMailbox, error) {
	rows, err := s.rdb.QueryContext(ctx, `SELECT g.id FROM memberships m
		JOIN users u ON u.uid = m.uid JOIN groups g ON g.gid = m.gid
		WHERE u.email = ? AND g.f_message = 1 ORDER BY g.name_fold, g.id`, a.Email)
	if err != nil {
		return nil, err
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := []ImapMailbox{}
	for _, id := range ids {
		acc, err := s.imapAccess(ctx, a, id)
		if errors.Is(err, ErrNotFound) || errors.Is(err, ErrDenied) {
			continue // lost access between the two queries, or disabled
		}
		if err != nil {
			return nil, err
		}
		out = append(out, ImapMailbox{GroupID: id, Name: acc.Name})
	}
	return out, nil
}

// imapAccess is Authorize(ActRead, message) narrowed to members: the IMAP
// surface shows a user the groups they belong to, admins included.
func (s *Store) imapAccess(ctx context.Context, a Actor, groupID string) (*Access, error) {
	acc, err := s.Authorize(ctx, a, groupID, ActRead, FeatureMessage)
	if err != nil {
		return nil, err
	}
	if acc.Role == "" {
		return nil, errorf(ErrNotFound, "you are not a member of this group")
	}
	return acc, nil
}

// ImapOpen checks that a may read the group's archive and returns the
// mailbox with its counts for a.
func (s *Store) ImapOpen(ctx context.Context, a Actor, groupID string) (*ImapMailbox, error) {
	acc, err := s.imapAccess(ctx, a, groupID)
	if err != nil {
		return nil, err
	}
	uid, err := s.actorUID(ctx, a)
	if err != nil {
		return nil, err
	}
	mb := &ImapMailbox{GroupID: groupID, Name: acc.Name}
	var validity, next int64
	err = s.rdb.QueryRowContext(ctx, `SELECT COALESCE(im.uidvalidity, g.created_at), COALESCE(im.uidnext, 1),
		(SELECT COUNT(*) FROM messages m WHERE m.gid = g.gid),
		(SELECT COALESCE(SUM(m.size), 0) FROM messages m WHERE m.gid = g.gid),
		(SELECT COUNT(*) FROM messages m WHERE m.gid = g.gid AND NOT EXISTS (
		   SELECT 1 FROM imap_flags f WHERE f.gid = m.gid AND f.uid = m.uid AND f.user_id = ? AND f.seen = 1))
		FROM groups g LEFT JOIN imap_mailboxes im ON im.gid = g.gid WHERE g.gid = ?`, uid, acc.gid).
		Scan(&validity, &next, &mb.Messages, &mb.Size, &mb.Unseen)
	if errors.Is(err, errNoRows) {
		return nil, errGroupNotFound()
	}
	if err != nil {
		return nil, err
	}
	mb.UIDValidity = imapUIDValidity(validity)
	mb.UIDNext = uint32(next)
	return mb, nil
}

// ImapUIDsAfter returns the UIDs above last in the group's archive,
// ascending, and whether last itself (0: none) is still there. The archive
// only grows except by a purge, so a session that knew last learns of a
// purge from the same query that finds new posts.
func (s *Store) ImapUIDsAfter(ctx context.Context, a Actor, groupID string, last uint32) (more []uint32, kept bool, err error) {
	acc, err := s.imapAccess(ctx, a, groupID)
	if err != nil {
		return nil, false, err
	}
	rows, err := s.rdb.QueryContext(ctx, `SELECT uid FROM messages WHERE gid = ? AND uid >= ? ORDER BY uid`, acc.gid, last)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	kept = last == 0
	for rows.Next() {
		var u uint32
		if err := rows.Scan(&u); err != nil {
			return nil, false, err
		}
		if u == last {
			kept = true
			continue
		}
		more = append(more, u)
	}
	return more, kept, rows.Err()
}
