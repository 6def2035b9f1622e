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

// OutboundStats counts what waits in the outbound queue.
func (s *Store) OutboundStats(ctx context.Context) (QueueStats, error) {
	var st QueueStats
	var oldest sql.NullInt64
	err := s.rdb.QueryRowContext(ctx, `SELECT COUNT(DISTINCT r.oid), COUNT(*), MIN(o.created_at)
		FROM outbound_rcpts r JOIN outbound o ON o.oid = r.oid WHERE r.state = 'queued'`).
		Scan(&st.Messages, &st.Recipients, &oldest)
	if oldest.Valid {
		st.Oldest = unixTime(oldest.Int64)
	}
	return st, err
}
