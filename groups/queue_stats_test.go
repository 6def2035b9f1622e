package groups

import (
	"context"
	"testing"
	"time"
)

// TestOutboundStats: what /metrics shows of the queue follows what is
// queued and what is delivered.
func TestOutboundStats(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	st, err := s.OutboundStats(ctx)
	if err != nil || st.Messages != 0 || st.Recipients != 0 || !st.Oldest.IsZero() {
		t.Fatalf("empty queue: %+v %v", st, err)
	}
	before := time.Now().Add(-time.Second)
	if err := s.Enqueue(ctx, "groupd-noreply@lists.example.test", []string{"a@example.test", "b@example.test"},
		[]byte("Subject: x\r\n\r\nx\r\n")); err != nil {
		t.Fatal(err)
	}
	st, err = s.OutboundStats(ctx)
	if err != nil || st.Messages != 1 || st.Recipients != 2 || st.Oldest.Before(before.Truncate(time.Second)) {
		t.Fatalf("one message to two: %+v %v", st, err)
	}
}
