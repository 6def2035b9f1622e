package groups

import (
	"context"
	"errors"
	"time"
)

// The web console's reading of a group's message archive (its Messages
// tab). It follows the IMAP surface's rule (imapAccess): members of the
// group read it, with the message feature in force; everyone else,
// admins included, is told the archive is not there.

// ArchivedPost is one message of a group's archive.
type ArchivedPost struct {
	UID      int64
	Received time.Time
	Size     int64  // of the whole message
	Data     []byte // the header block only (ArchiveHeaders) or the whole message
}

// ArchiveRange selects archived messages by UID for ArchiveHeaders: below
// Before (0: no bound), newest first; or, when After is set, above After,
// oldest first. At most Limit (default 100, at most 1000).
type ArchiveRange struct {
	Before, After int64
	Limit         int
}

// CanReadArchive answers whether a may read the group's archive now.
func (s *Store) CanReadArchive(ctx context.Context, a Actor, groupID string) error {
	_, err := s.imapAccess(ctx, a, groupID)
	return err
}

// ArchiveHeaders returns the header blocks of the archived messages in r,
// for threading and listing without loading every message whole.
func (s *Store) ArchiveHeaders(ctx context.Context, a Actor, groupID string, r ArchiveRange) ([]ArchivedPost, error) {
	acc, err := s.imapAccess(ctx, a, groupID)
	if err != nil {
		return nil, err
	}
	if r.Limit <= 0 {
		r.Limit = 100
	}
	r.Limit = min(r.Limit, 1000)
	where, order, bound := `m.uid < ?`, `DESC`, r.Before
	switch {
	case r.After > 0:
		where, order, bound = `m.uid > ?`, `ASC`, r.After
	case r.Before <= 0:
		bound = 1 << 62
	}
	rows, err := s.rdb.QueryContext(ctx, `SELECT m.uid, m.received, m.size, `+s.imapDataExpr(ImapHeader)+`
		FROM messages m WHERE m.gid = ? AND `+where+` ORDER BY m.uid `+order+` LIMIT ?`, acc.gid, bound, r.Limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ArchivedPost
	for rows.Next() {
		var p ArchivedPost
		var received int64
		if err := rows.Scan(&p.UID, &received, &p.Size, &p.Data); err != nil {
			return nil, err
		}
		p.Received = time.Unix(received, 0).UTC()
		out = append(out, p)
	}
	return out, rows.Err()
}

// ArchivedMessage returns one archived message whole, byte for byte.
func (s *Store) ArchivedMessage(ctx context.Context, a Actor, groupID string, uid int64) (*ArchivedPost, error) {
	acc, err := s.imapAccess(ctx, a, groupID)
	if err != nil {
		return nil, err
	}
	p := &ArchivedPost{UID: uid}
	var received, mid int64
	err = s.rdb.QueryRowContext(ctx, `SELECT mid, received, size, data FROM messages WHERE gid = ? AND uid = ?`,
		acc.gid, uid).Scan(&mid, &received, &p.Size, &p.Data)
	if errors.Is(err, errNoRows) {
		return nil, errorf(ErrNotFound, "that message is not in the archive")
	}
	if err != nil {
		return nil, err
	}
	if p.Data, err = wholeMessage(ctx, s.rdb, mid, p.Data, p.Size); err != nil {
		return nil, err
	}
	p.Received = time.Unix(received, 0).UTC()
	return p, nil
}
