package groups

import (
	"context"
	"errors"
)

// OutboundSize is the size in bytes of queued message oid, read without
// loading it (an archived post's size column; SQLite's length() of a
// blob reads no overflow pages), so
// that the queue can take its cost from the memory budget first.
func (s *Store) OutboundSize(ctx context.Context, oid int64) (int64, error) {
	var n int64
	err := s.rdb.QueryRowContext(ctx, `SELECT COALESCE(m.size, length(o.data))
		FROM outbound o LEFT JOIN messages m ON m.mid = o.mid WHERE o.oid = ?`, oid).Scan(&n)
	if errors.Is(err, errNoRows) {
		return 0, errorf(ErrNotFound, "no queued message %d", oid)
	}
	return n, err
}
