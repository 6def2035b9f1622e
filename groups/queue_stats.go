package groups

import (
	"context"
	"database/sql"
	"time"
)

// QueueStats is what the outbound queue holds, for /metrics.
type QueueStats struct {
	Messages   int       // messages with a recipient still to deliver
	Recipients int       // recipients still to deliver
	Oldest     time.Time // when the oldest such message was queued; zero when none
}

// OutboundStats counts what waits in the outbound queue: queued rows,
// and the recipients of posts still in their bundle (mail_bundle.go). A
// post has either a bundle or rows, never both.
func (s *Store) OutboundStats(ctx context.Context) (QueueStats, error) {
	var st QueueStats
	var oldest sql.NullInt64
	err := s.rdb.QueryRowContext(ctx, `SELECT COUNT(DISTINCT q.oid), CAST(COALESCE(SUM(q.k), 0) AS BIGINT), MIN(o.created_at)
		FROM (SELECT oid, COUNT(*) AS k FROM outbound_rcpts WHERE state = 'queued' GROUP BY oid
			UNION ALL SELECT oid, n FROM outbound_bundles) AS q JOIN outbound o ON o.oid = q.oid`).
		Scan(&st.Messages, &st.Recipients, &oldest)
	if oldest.Valid {
		st.Oldest = unixTime(oldest.Int64)
	}
	return st, err
}
