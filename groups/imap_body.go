package groups

import (
	"context"
	"database/sql"
	"errors"
)

// ImapBodyAt copies into p the bytes of archived message uid from offset
// off on, as many as fit (fewer at its end), and returns how many: IMAP
// FETCH streams a large message in pieces of p's size instead of holding
// it whole (issue 16 finding 6). a must be allowed to read the archive
// (ImapOpen's rule). A read loads the row's head whole when the range
// touches it (SQLite's substr() loads a value whole) and each piece the
// range covers (archive_pieces.go); ImapMessage.Stored says how large the
// head is, for the caller's budget.
func (s *Store) ImapBodyAt(ctx context.Context, a Actor, groupID string, uid uint32, p []byte, off int64) (int, error) {
	acc, err := s.imapAccess(ctx, a, groupID)
	if err != nil {
		return 0, err
	}
	var mid, stored, size int64
	err = s.rdb.QueryRowContext(ctx, `SELECT mid, length(data), size FROM messages WHERE gid = ? AND uid = ?`,
		acc.gid, uid).Scan(&mid, &stored, &size)
	if errors.Is(err, errNoRows) {
		return 0, errorf(ErrNotFound, "no message %d", uid)
	}
	if err != nil || off >= size || off < 0 {
		return 0, err
	}
	p = p[:min(int64(len(p)), size-off)]
	n := 0
	if off < stored {
		if n, err = s.headAt(ctx, mid, p[:min(int64(len(p)), stored-off)], off); err != nil {
			return 0, err
		}
	}
	if n < len(p) && off+int64(n) >= stored {
		k, err := s.piecesAt(ctx, mid, stored, p[n:], off+int64(n))
		n += k
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// headAt copies bytes of message mid's row (messages.data) from off.
func (s *Store) headAt(ctx context.Context, mid int64, p []byte, off int64) (int, error) {
	rows, err := s.rdb.QueryContext(ctx, `SELECT substr(data, ?, ?) FROM messages WHERE mid = ?`, off+1, len(p), mid)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	if !rows.Next() {
		return 0, rows.Err() // purged meanwhile: the caller sees a short read
	}
	var raw sql.RawBytes // the driver's copy, not cloned again
	if err := rows.Scan(&raw); err != nil {
		return 0, err
	}
	return copy(p, raw), rows.Err()
}

// piecesAt copies bytes of message mid's pieces from off (at or past
// the head's stored bytes), reading only the pieces that cover them.
func (s *Store) piecesAt(ctx context.Context, mid, stored int64, p []byte, off int64) (int, error) {
	first := (off-stored)/ArchivePiece + 1
	last := (off+int64(len(p))-1-stored)/ArchivePiece + 1
	rows, err := s.rdb.QueryContext(ctx, `SELECT seq, data FROM message_pieces WHERE mid = ? AND seq BETWEEN ? AND ?
		ORDER BY seq`, mid, first, last)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var seq int64
		var raw sql.RawBytes
		if err := rows.Scan(&seq, &raw); err != nil {
			return n, err
		}
		start := stored + (seq-1)*ArchivePiece // the piece's offset in the message
		at := off + int64(n)
		if seq != (at-stored)/ArchivePiece+1 || at-start >= int64(len(raw)) {
			break // a piece missing: the caller sees a short read
		}
		n += copy(p[n:], raw[at-start:])
	}
	return n, rows.Err()
}
