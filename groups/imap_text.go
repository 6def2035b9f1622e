package groups

import (
	"context"
	"strings"
)

// imapIndex writes the search text of a newly archived message (see
// imapSearchText), in the archiving transaction.
func imapIndex(ctx context.Context, tx querier, gid, uid int64, data []byte) error {
	header, body := imapSearchText(data)
	_, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO imap_text (gid, uid, header, body) VALUES (?, ?, ?, ?)`,
		gid, uid, header, body)
	return err
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
		AND (instr(body, ?) > 0 OR (? = 0 AND instr(header, ?) > 0))`, acc.gid, p, bodyOnly, p)
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
			rows, err := tx.QueryContext(ctx, `SELECT m.uid, m.data FROM messages m WHERE m.gid = ?
				AND NOT EXISTS (SELECT 1 FROM imap_text t WHERE t.gid = m.gid AND t.uid = m.uid) LIMIT 200`, gid)
			if err != nil {
				return err
			}
			type msg struct {
				uid  int64
				data []byte
			}
			var todo []msg
			for rows.Next() {
				var m msg
				if err := rows.Scan(&m.uid, &m.data); err != nil {
					rows.Close()
					return err
				}
				todo = append(todo, m)
			}
			rows.Close()
			for _, m := range todo {
				if err := imapIndex(ctx, tx, gid, m.uid, m.data); err != nil {
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
// still waiting for it (imap_text_todo, filled by the mail server), in
// one transaction, and returns how many it took off the list. The
// outbound queue calls it when idle; a search does not wait for it
// (ImapTextMatches indexes what its group still misses first).
func (s *Store) IndexArchive(ctx context.Context, limit int) (int, error) {
	var n int
	err := s.write(ctx, func(tx *wtx) error {
		// A message a search has indexed meanwhile is only taken off.
		rows, err := tx.QueryContext(ctx, `SELECT t.mid, m.gid, m.uid,
			CASE WHEN EXISTS (SELECT 1 FROM imap_text x WHERE x.gid = m.gid AND x.uid = m.uid) THEN NULL ELSE m.data END
			FROM imap_text_todo t LEFT JOIN messages m ON m.mid = t.mid ORDER BY t.mid LIMIT ?`, limit)
		if err != nil {
			return err
		}
		type msg struct {
			mid      int64
			gid, uid *int64
			data     []byte
		}
		var todo []msg
		for rows.Next() {
			var m msg
			if err := rows.Scan(&m.mid, &m.gid, &m.uid, &m.data); err != nil {
				rows.Close()
				return err
			}
			todo = append(todo, m)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, m := range todo {
			if m.gid != nil && m.data != nil { // else purged or indexed since
				if err := imapIndex(ctx, tx, *m.gid, *m.uid, m.data); err != nil {
					return err
				}
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM imap_text_todo WHERE mid = ?`, m.mid); err != nil {
				return err
			}
		}
		n = len(todo)
		return nil
	})
	return n, err
}
