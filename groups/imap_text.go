package groups

import (
	"bytes"
	"context"
	"strings"
)

// imapIndex writes the search text of a newly archived message
// (Options.SearchText), in the archiving transaction, and what
// Options.ImapParse makes of it.
func (s *Store) imapIndex(ctx context.Context, tx querier, gid, uid, mid int64, data []byte) error {
	header, body := s.opts.SearchText(data)
	_, err := tx.ExecContext(ctx, `INSERT INTO imap_text (gid, uid, header, body) VALUES (?, ?, ?, ?)
		ON CONFLICT (gid, uid) DO UPDATE SET header = excluded.header, body = excluded.body`,
		gid, uid, header, body)
	if err != nil || s.opts.ImapParse == nil {
		return err
	}
	m := indexItem{mid: mid, parsed: true}
	m.envelope, m.structure = s.opts.ImapParse(data)
	return m.write(ctx, tx, gid, uid)
}

// ImapTextMatches returns the UIDs of the group's archived messages that
// contain text, case-insensitively, in their decoded body, or, unless
// bodyOnly, in their decoded header (SEARCH BODY and TEXT, RFC 3501
// §6.4.4).
func (s *Store) ImapTextMatches(ctx context.Context, a Actor, groupID, text string, bodyOnly bool) (map[uint32]bool, error) {
	acc, err := s.imapAccess(ctx, a, groupID)
	if err != nil {
		return nil, err
	}
	if err := s.imapBackfill(ctx, acc.gid); err != nil {
		return nil, err
	}
	p := []byte(strings.ToLower(text))
	rows, err := s.rdb.QueryContext(ctx, `SELECT uid FROM imap_text WHERE gid = ?
		AND (`+s.d.contains("body", "?")+` OR (? = 0 AND `+s.d.contains("header", "?")+`))`, acc.gid, p, bodyOnly, p)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[uint32]bool{}
	for rows.Next() {
		var uid uint32
		if err := rows.Scan(&uid); err != nil {
			return nil, err
		}
		out[uid] = true
	}
	return out, rows.Err()
}

// imapBackfill indexes archived messages that have no search text yet
// (archived before the index existed), a batch per write.
func (s *Store) imapBackfill(ctx context.Context, gid int64) error {
	for {
		var missing bool
		err := s.rdb.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM messages m WHERE m.gid = ?
			AND NOT EXISTS (SELECT 1 FROM imap_text t WHERE t.gid = m.gid AND t.uid = m.uid))`, gid).Scan(&missing)
		if err != nil || !missing {
			return err
		}
		var n int
		err = s.write(ctx, func(tx *wtx) error {
			rows, err := tx.QueryContext(ctx, `SELECT m.uid, m.mid, m.size, m.data FROM messages m WHERE m.gid = ?
				AND NOT EXISTS (SELECT 1 FROM imap_text t WHERE t.gid = m.gid AND t.uid = m.uid) LIMIT 200`, gid)
			if err != nil {
				return err
			}
			type msg struct {
				uid, mid, size int64
				data           []byte
			}
			var todo []msg
			for rows.Next() {
				var m msg
				if err := rows.Scan(&m.uid, &m.mid, &m.size, &m.data); err != nil {
					rows.Close()
					return err
				}
				todo = append(todo, m)
			}
			rows.Close()
			for _, m := range todo {
				data, err := wholeMessage(ctx, tx, m.mid, m.data, m.size)
				if err != nil {
					return err
				}
				if err := s.imapIndex(ctx, tx, gid, m.uid, m.mid, data); err != nil {
					return err
				}
			}
			n = len(todo)
			return rows.Err()
		})
		if err != nil || n == 0 {
			return err
		}
	}
}

// IndexArchive writes the search text of up to limit archived posts
// still waiting for it (imap_text_todo, filled by the mail server) and
// returns how many it took off the list. The daemon's indexer calls it
// when a post is archived; a search does not wait for it
// (ImapTextMatches indexes what its group still misses first). The posts are read and their text extracted
// outside the writer, so the write transaction that stores the text is
// short and posts arriving meanwhile are not kept waiting.
func (s *Store) IndexArchive(ctx context.Context, limit int) (int, error) {
	todo, err := s.indexTodo(ctx, limit)
	if err != nil || len(todo) == 0 {
		return 0, err
	}
	err = s.write(ctx, func(tx *wtx) error { return s.storeIndexed(ctx, tx, todo) })
	if err != nil {
		return 0, err
	}
	return len(todo), nil
}

// indexRows is how many posts one statement of storeIndexed covers.
const indexRows = 100

// storeIndexed writes what was extracted of the posts todo and takes
// them off the list, a few statements for the whole batch (each a round
// trip on PostgreSQL, where four per post were): the posts as they are
// now, their text, their parse, the list entries. A post purged since
// only leaves the list; one whose mid names another post now stays for
// the next round.
func (s *Store) storeIndexed(ctx context.Context, tx *wtx, todo []indexItem) error {
	for len(todo) > 0 {
		batch := todo[:min(indexRows, len(todo))]
		todo = todo[len(batch):]
		now, err := postsNow(ctx, tx, batch)
		if err != nil {
			return err
		}
		var text, parsed, done []any
		for _, m := range batch {
			cur, ok := now[m.mid]
			switch {
			case !ok: // purged: only the list entry is left
			case m.gid == nil || cur[0] != *m.gid || cur[1] != *m.uid:
				continue // the mid names another post now: the next round takes it
			default:
				if m.text {
					text = append(text, cur[0], cur[1], m.header, m.body)
				}
				if m.parsed && m.envelope != nil && m.structure != nil { // nil: ImapParse could not
					parsed = append(parsed, m.mid, m.envelope, m.structure)
				}
			}
			done = append(done, m.mid)
		}
		// DO NOTHING keeps the text a search wrote meanwhile.
		if err := insertRows(ctx, tx, `INSERT INTO imap_text (gid, uid, header, body) VALUES `, 4, text); err != nil {
			return err
		}
		if err := insertRows(ctx, tx, `INSERT INTO imap_parsed (mid, envelope, structure) VALUES `, 3, parsed); err != nil {
			return err
		}
		if len(done) > 0 {
			if _, err := tx.ExecContext(ctx, `DELETE FROM imap_text_todo WHERE mid IN (`+marks(len(done))+`)`, done...); err != nil {
				return err
			}
		}
	}
	return nil
}

// postsNow reads the group and UID of each post of batch still archived.
func postsNow(ctx context.Context, tx *wtx, batch []indexItem) (map[int64][2]int64, error) {
	mids := make([]any, len(batch))
	for i, m := range batch {
		mids[i] = m.mid
	}
	rows, err := tx.QueryContext(ctx, `SELECT mid, gid, uid FROM messages WHERE mid IN (`+marks(len(mids))+`)`, mids...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	now := map[int64][2]int64{}
	for rows.Next() {
		var mid, gid, uid int64
		if err := rows.Scan(&mid, &gid, &uid); err != nil {
			return nil, err
		}
		now[mid] = [2]int64{gid, uid}
	}
	return now, rows.Err()
}

// insertRows runs insert (ending in VALUES) with a row of width
// arguments for each width of args, ON CONFLICT DO NOTHING; nothing when
// args is empty.
func insertRows(ctx context.Context, tx *wtx, insert string, width int, args []any) error {
	if len(args) == 0 {
		return nil
	}
	row := "(" + marks(width) + ")"
	_, err := tx.ExecContext(ctx, insert+row+strings.Repeat(", "+row, len(args)/width-1)+` ON CONFLICT DO NOTHING`, args...)
	return err
}

// indexItem is a post waiting for its search text, extracted, and for
// what Options.ImapParse makes of it.
type indexItem struct {
	mid          int64
	gid, uid     *int64 // nil: no such post
	text         bool   // header and body hold its text (false: a search indexed it already)
	header, body []byte
	parsed       bool // envelope and structure hold its parse (false: stored already, or no ImapParse)
	envelope     []byte
	structure    []byte
}

// write stores what was extracted of the post. DO NOTHING keeps the text
// a search wrote meanwhile.
func (m *indexItem) write(ctx context.Context, tx querier, gid, uid int64) error {
	if m.text {
		if _, err := tx.ExecContext(ctx, `INSERT INTO imap_text (gid, uid, header, body) VALUES (?, ?, ?, ?)
			ON CONFLICT DO NOTHING`, gid, uid, m.header, m.body); err != nil {
			return err
		}
	}
	if m.parsed && m.envelope != nil && m.structure != nil { // nil: ImapParse could not
		if _, err := tx.ExecContext(ctx, `INSERT INTO imap_parsed (mid, envelope, structure) VALUES (?, ?, ?)
			ON CONFLICT DO NOTHING`, m.mid, m.envelope, m.structure); err != nil {
			return err
		}
	}
	return nil
}

// indexTodo reads up to limit posts of imap_text_todo and extracts their
// search text, on a reader connection.
func (s *Store) indexTodo(ctx context.Context, limit int) ([]indexItem, error) {
	mine, args, err := s.claimIndexTodo(ctx, limit) // PostgreSQL: the posts this node holds
	if err != nil {
		return nil, err
	}
	hasText := `EXISTS (SELECT 1 FROM imap_text x WHERE x.gid = m.gid AND x.uid = m.uid)`
	hasParsed := `EXISTS (SELECT 1 FROM imap_parsed p WHERE p.mid = m.mid)`
	if s.opts.ImapParse == nil {
		hasParsed = `1 = 1` // nothing to make of it
	}
	rows, err := s.rdb.QueryContext(ctx, `SELECT t.mid, m.gid, m.uid, COALESCE(m.size, 0), `+hasText+`, `+hasParsed+`,
		CASE WHEN `+hasText+` AND `+hasParsed+` THEN NULL ELSE m.data END
		FROM imap_text_todo t LEFT JOIN messages m ON m.mid = t.mid `+mine+` ORDER BY t.mid LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var todo []indexItem
	var raw [][]byte
	var sizes []int64
	for rows.Next() {
		var m indexItem
		var data []byte
		var size int64
		if err := rows.Scan(&m.mid, &m.gid, &m.uid, &size, &m.text, &m.parsed, &data); err != nil {
			return nil, err
		}
		m.text, m.parsed = !m.text, !m.parsed // what it lacks
		todo, raw, sizes = append(todo, m), append(raw, data), append(sizes, size)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	for i := range todo {
		if raw[i] == nil {
			continue
		}
		data, err := wholeMessage(ctx, s.rdb, todo[i].mid, raw[i], sizes[i])
		if err != nil {
			return nil, err
		}
		if todo[i].text {
			todo[i].header, todo[i].body = s.opts.SearchText(data)
		}
		if todo[i].parsed {
			todo[i].envelope, todo[i].structure = s.opts.ImapParse(data)
		}
		raw[i] = nil
	}
	return todo, nil
}

// rawSearchText is Options.SearchText when none is given: the header
// (through the first blank line) and the body as they are, lower-cased.
// The store knows no MIME; the daemon gives it a decoder
// (internal/searchtext).
func rawSearchText(raw []byte) (header, body []byte) {
	end := len(raw)
	if i := bytes.Index(raw, []byte("\r\n\r\n")); i >= 0 {
		end = i + 4
	}
	if j := bytes.Index(raw, []byte("\n\n")); j >= 0 && j+2 <= end {
		end = j + 2
	}
	return bytes.ToLower(raw[:end]), bytes.ToLower(raw[end:])
}
