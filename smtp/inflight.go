package smtp

import (
	"context"
	"sync"

	"groupd/groups"
)

// inflight is the set of queue rows a Queue run has handed to its
// workers and not yet recorded: they are still queued in the store, and
// must not be taken twice. A row leaves the set once its outcome is on
// disk (or could not be written: then it is due again).
type inflight struct {
	mu   sync.Mutex
	rids map[int64]bool
}

// due takes up to a few batches per worker of due rows that are not in
// flight, and marks them in flight.
func (f *inflight) due(ctx context.Context, q *Queue) ([]groups.OutboundItem, error) {
	f.mu.Lock()
	busy := make(map[int64]bool, len(f.rids))
	for rid := range f.rids {
		busy[rid] = true
	}
	f.mu.Unlock()
	items, err := q.store.DueOutbound(ctx, q.opts.Now(), q.opts.Concurrency*q.opts.BatchSize, q.opts.ListRate, busy)
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	for _, it := range items {
		f.rids[it.RID] = true
	}
	f.mu.Unlock()
	return items, nil
}

// done takes a batch's rows out of the set.
func (f *inflight) done(items []groups.OutboundItem) {
	f.mu.Lock()
	for _, it := range items {
		delete(f.rids, it.RID)
	}
	f.mu.Unlock()
}
