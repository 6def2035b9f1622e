package groups

import (
	"context"
	"database/sql"
)

// ImapBodyAt copies into p the bytes of archived message uid from offset
// off on, as many as fit (fewer at its end), and returns how many: IMAP
// FETCH streams a large message in pieces of p's size instead of holding
// it whole (issue 16 finding 6). a must be allowed to read the archive
// (ImapOpen's rule). SQLite still reads the whole blob for substr(), for
// the moment of the query; the caller's budget counts it.
func (s *Store) ImapBodyAt(ctx context.Context, a Actor, groupID string, uid uint32, p []byte, off int64) (int, error) {
	acc, err := s.imapAccess(ctx, a, groupID)
	if err != nil {
		return 0, err
	}
	rows, err := s.rdb.QueryContext(ctx, `SELECT substr(data, ?, ?) FROM messages WHERE gid = ? AND uid = ?`,
		off+1, len(p), acc.gid, uid)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return 0, err
		}
		return 0, errorf(ErrNotFound, "no message %d", uid)
	}
	var raw sql.RawBytes // the driver's copy, not cloned again
	if err := rows.Scan(&raw); err != nil {
		return 0, err
	}
	return copy(p, raw), rows.Err()
}
