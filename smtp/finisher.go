package smtp

import (
	"context"
	"sync"

	"groupd/groups"
)

// finisher records the outcomes of concurrent transactions in shared
// store transactions (group commit), as the committer does for posts. A
// worker waits for its outcome to be on disk before it takes another
// batch, so a crash repeats at most the batches in flight.
type finisher struct {
	store   *groups.Store
	limit   int
	mu      sync.Mutex
	pending []*finishReq
	running bool
}

type finishReq struct {
	d    groups.Delivery
	done chan error
}

func (f *finisher) finish(d groups.Delivery) error {
	r := &finishReq{d: d, done: make(chan error, 1)}
	f.mu.Lock()
	f.pending = append(f.pending, r)
	if !f.running {
		f.running = true
		go f.loop()
	}
	f.mu.Unlock()
	return <-r.done
}

func (f *finisher) loop() {
	for {
		f.mu.Lock()
		batch := f.pending
		f.pending = nil
		if len(batch) == 0 {
			f.running = false
			f.mu.Unlock()
			return
		}
		f.mu.Unlock()
		var all groups.Delivery
		for _, r := range batch {
			all.Sent = append(all.Sent, r.d.Sent...)
			all.Retry = append(all.Retry, r.d.Retry...)
			all.Failed = append(all.Failed, r.d.Failed...)
			all.Carried = append(all.Carried, r.d.Carried...)
		}
		err := f.store.FinishDelivery(context.Background(), all, f.limit)
		for _, r := range batch {
			r.done <- err
		}
	}
}
