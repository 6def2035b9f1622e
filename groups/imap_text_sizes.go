package groups

import "context"

// IndexTodoSizes is the size in bytes of each of the next limit posts
// waiting for their search text, in IndexArchive's order (0 for one that
// is gone), read without loading them: the daemon indexes the archive
// by as many posts as its memory budget allows, not by a fixed count.
func (s *Store) IndexTodoSizes(ctx context.Context, limit int) ([]int64, error) {
	free, args := s.indexTodoFree() // PostgreSQL: not those another node is indexing
	rows, err := s.rdb.QueryContext(ctx, `SELECT COALESCE(m.size, 0)
		FROM imap_text_todo t LEFT JOIN messages m ON m.mid = t.mid `+free+` ORDER BY t.mid LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var n int64
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}
