package budget

import (
	"context"
	"testing"
	"time"
)

func TestTryTake(t *testing.T) {
	b := New(100)
	r1, ok := b.TryTake(60)
	if !ok {
		t.Fatal("60 of 100 refused")
	}
	if _, ok := b.TryTake(50); ok {
		t.Fatal("50 more taken with 40 free")
	}
	r2, ok := b.TryTake(40)
	if !ok || !b.Busy() {
		t.Fatalf("40 of 40 free: %v, busy %v", ok, b.Busy())
	}
	r1()
	r1() // a second release gives nothing back
	if b.Used() != 40 {
		t.Fatalf("used %d after one release, want 40", b.Used())
	}
	r2()
	if r, ok := b.TryTake(1000); !ok || b.Used() != 100 {
		t.Fatalf("more than the budget, alone: %v used %d", ok, b.Used())
	} else {
		r()
	}
}

func TestTakeWaits(t *testing.T) {
	b := New(10)
	r, _ := b.TryTake(10)
	done := make(chan struct{})
	go func() {
		r2, err := b.Take(context.Background(), 5)
		if err != nil {
			t.Error(err)
		} else {
			r2()
		}
		close(done)
	}()
	time.Sleep(20 * time.Millisecond)
	r()
	<-done
	r, _ = b.TryTake(10)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := b.Take(ctx, 1); err == nil {
		t.Fatal("Take did not end with its context")
	}
	r()
}

func TestNil(t *testing.T) {
	var b *Budget
	if r, ok := b.TryTake(1 << 40); !ok || b.Busy() || b.Max() != 0 {
		t.Fatal("a nil budget refused")
	} else {
		r()
	}
}
