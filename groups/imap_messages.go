package groups

import (
	"context"
	"strings"
	"time"
)

// ImapData says how much of each message ImapMessages loads.
type ImapData int

const (
	ImapNoData   ImapData = iota // UID, date, size, flags only
	ImapHeader                   // plus the header (up to the blank line)
	ImapFullData                 // plus the whole message, byte for byte
)

// ImapQuery selects archived messages by UID range.
type ImapQuery struct {
	Min, Max uint32 // inclusive; Max 0 means no upper bound
	Limit    int    // at most this many; 0 means 1000
	Data     ImapData
	// UIDs, when set, narrows the range to these UIDs (at most 1000): a
	// few messages scattered over a large mailbox, as FETCH CHANGEDSINCE
	// finds them, without reading those between.
	UIDs []uint32
}

// span is the query's UID range, its upper bound filled in, and its
// limit with the default.
func (q ImapQuery) span() (hi int64, limit int) {
	hi, limit = int64(q.Max), q.Limit
	if q.Max == 0 {
		hi = 1<<32 - 1
	}
	if limit <= 0 {
		limit = 1000
	}
	return hi, limit
}

// ImapMessage is one archived post with the asking user's flags.
type ImapMessage struct {
	UID      uint32
	Received time.Time
	Size     int64
	Flags    []string // \Seen, \Answered, \Flagged, \Draft, then keywords
	ModSeq   uint64   // for the asking user (RFC 7162 §3.1.1, imap_modseq.go)
	Data     []byte   // per ImapQuery.Data
	// Stored is how many of its bytes the message's row holds: Size, or
	// for a message kept in pieces its head (archive_pieces.go). Reading
	// any range of it loads that many bytes, plus the pieces it covers.
	Stored int64
	mid    int64
}

// imapDataExpr is the SQL for the data column at each ImapData level. The
// header cut uses the first CRLFCRLF (or LFLF) of the blob.
func (s *Store) imapDataExpr(d ImapData) string {
	switch d {
	case ImapHeader:
		return s.d.headerCut()
	case ImapFullData:
		return `m.data`
	}
	return `NULL`
}

// ImapMessages returns the messages of the group's archive with UIDs in
// [q.Min, q.Max], ascending, with a's flags. a must be allowed to read the
// archive (ImapOpen's rule).
func (s *Store) ImapMessages(ctx context.Context, a Actor, groupID string, q ImapQuery) ([]ImapMessage, error) {
	acc, err := s.imapAccess(ctx, a, groupID)
	if err != nil {
		return nil, err
	}
	user, err := s.actorUID(ctx, a)
	if err != nil {
		return nil, err
	}
	var hi int64
	hi, q.Limit = q.span()
	args := []any{user, acc.gid, q.Min, hi}
	only := ""
	if len(q.UIDs) > 0 {
		only = ` AND m.uid IN (` + marks(len(q.UIDs)) + `)`
		for _, u := range q.UIDs {
			args = append(args, u)
		}
	}
	rows, err := s.rdb.QueryContext(ctx, `SELECT m.uid, m.received, m.size,
		COALESCE(f.seen, 0), COALESCE(f.answered, 0), COALESCE(f.flagged, 0), COALESCE(f.draft, 0),
		COALESCE(f.keywords, ''), COALESCE(f.modseq, 0), m.mid, length(m.data), `+s.imapDataExpr(q.Data)+`
		FROM messages m LEFT JOIN imap_flags f ON f.gid = m.gid AND f.uid = m.uid AND f.user_id = ?
		WHERE m.gid = ? AND m.uid BETWEEN ? AND ?`+only+` ORDER BY m.uid LIMIT ?`,
		append(args, q.Limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ImapMessage
	for rows.Next() {
		var m ImapMessage
		var received int64
		var fl imapFlagRow
		var modseq int64
		if err := rows.Scan(&m.UID, &received, &m.Size, &fl.seen, &fl.answered, &fl.flagged, &fl.draft,
			&fl.keywords, &modseq, &m.mid, &m.Stored, &m.Data); err != nil {
			return nil, err
		}
		m.ModSeq = imapModSeqOf(m.UID, modseq)
		m.Received = time.Unix(received, 0).UTC()
		m.Flags = fl.list()
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	if q.Data == ImapFullData {
		for i := range out {
			if out[i].Data, err = wholeMessage(ctx, s.rdb, out[i].mid, out[i].Data, out[i].Size); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// System flags kept per user (RFC 3501 §2.3.2). \Deleted and \Recent are
// not: the archive cannot lose messages.
const (
	ImapSeen     = `\Seen`
	ImapAnswered = `\Answered`
	ImapFlagged  = `\Flagged`
	ImapDraft    = `\Draft`
)

// imapFlagRow is one row of imap_flags.
type imapFlagRow struct {
	seen, answered, flagged, draft bool
	keywords                       string
}

func (r imapFlagRow) list() []string {
	out := []string{}
	for _, x := range []struct {
		on   bool
		name string
	}{{r.seen, ImapSeen}, {r.answered, ImapAnswered}, {r.flagged, ImapFlagged}, {r.draft, ImapDraft}} {
		if x.on {
			out = append(out, x.name)
		}
	}
	return append(out, strings.Fields(r.keywords)...)
}
