package groups

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// TestFinishDeliveryAloneRows: a batch whose rows each went in a
// transaction of their own (external addresses' copies) is recorded in
// a few statements, not one more per row, and each row still names
// itself as the transaction that carried it (what a bounce's VERP token
// is checked against).
func TestFinishDeliveryAloneRows(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	rcpts := make([]string, 100)
	for i := range rcpts {
		rcpts[i] = fmt.Sprintf("r%03d@sink.example", i)
	}
	if err := s.Enqueue(ctx, "list@lists.example.test", rcpts, []byte("Subject: x\r\n\r\nx\r\n")); err != nil {
		t.Fatal(err)
	}
	items, err := s.DueOutbound(ctx, time.Now().Add(time.Minute), 1000, 0, nil)
	if err != nil || len(items) != 100 {
		t.Fatalf("due: %d rows, %v", len(items), err)
	}
	var d Delivery
	for _, it := range items {
		d.Sent = append(d.Sent, it.RID)
		d.Carried = append(d.Carried, Carried{First: it.RID, Rows: []int64{it.RID}})
	}
	before := s.d.stmts.Load()
	if err := s.FinishDelivery(ctx, d, 3); err != nil {
		t.Fatal(err)
	}
	if n := s.d.stmts.Load() - before; n > 3 {
		t.Fatalf("recording 100 rows took %d statements", n)
	}
	var wrong int
	if err := s.rdb.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbound_rcpts WHERE state <> 'sent' OR txn <> rid`).Scan(&wrong); err != nil || wrong != 0 {
		t.Fatalf("%d rows not sent or not carried by themselves (%v)", wrong, err)
	}
}
