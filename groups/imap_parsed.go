package groups

import (
	"context"
)

// ImapParsed is what Options.ImapParse made of an archived message when
// it was indexed, as it returned it.
type ImapParsed struct {
	UID       uint32
	Envelope  []byte
	Structure []byte
}

// ImapParsedRecords returns the stored parse records of the group's
// messages that q selects (q.Data is ignored), ascending by UID; a
// message without one (archived before they were kept, or not indexed
// yet) is left out, and the caller parses it. a must be allowed to read
// the archive (ImapOpen's rule). A client's first sync reads these
// instead of every post whole (issue 14).
func (s *Store) ImapParsedRecords(ctx context.Context, a Actor, groupID string, q ImapQuery) ([]ImapParsed, error) {
	acc, err := s.imapAccess(ctx, a, groupID)
	if err != nil {
		return nil, err
	}
	var hi int64
	hi, q.Limit = q.span()
	args := []any{acc.gid, q.Min, hi}
	only := ""
	if len(q.UIDs) > 0 {
		only = ` AND m.uid IN (` + marks(len(q.UIDs)) + `)`
		for _, u := range q.UIDs {
			args = append(args, u)
		}
	}
	rows, err := s.rdb.QueryContext(ctx, `SELECT m.uid, p.envelope, p.structure
		FROM messages m JOIN imap_parsed p ON p.mid = m.mid
		WHERE m.gid = ? AND m.uid BETWEEN ? AND ?`+only+` ORDER BY m.uid LIMIT ?`, append(args, q.Limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ImapParsed
	for rows.Next() {
		var p ImapParsed
		if err := rows.Scan(&p.UID, &p.Envelope, &p.Structure); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
