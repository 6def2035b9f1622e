package smtp

import (
	"context"
	"sync"
	"time"

	"groupd/groups"
)

// inflight is the set of queue rows a Queue run has handed to its
// workers and not yet recorded: they are still queued in the store, and
// must not be taken twice. A row leaves the set once its outcome is on
// disk (or could not be written: then it is due again).
//
// Between full looks (every PollInterval, and always with a list rate)
// due asks only for rows above the highest row id it has handed out, so
// that a busy queue does not read its hundreds of rows in flight again
// for each new post.
type inflight struct {
	mu       sync.Mutex
	rids     map[int64]bool
	cursor   int64     // every due row up to here has been handed out
	nextFull time.Time // when due next reads every due row
}

// due takes up to a few batches per worker of due rows that are not in
// flight, and marks them in flight.
//
// Posts are accepted with their recipients in a bundle (groups.Unbundle);
// due first turns about as many bundled recipients into queue rows as
// there is room for in flight: the workers' batches (limit) and the
// slice that dispatch is handing them (limit more), as many as due took
// before bundles. While the relay is stalled, dispatch waits for a free
// worker and due is not called, so nothing is expanded and acceptance
// writes only bundles; while it delivers, rows are made at the pace the
// workers take them.
func (f *inflight) due(ctx context.Context, q *Queue) ([]groups.OutboundItem, error) {
	now := q.opts.Now()
	limit := q.opts.Concurrency * q.opts.BatchSize
	f.mu.Lock()
	full := q.opts.ListRate > 0 || !now.Before(f.nextFull)
	cursor := f.cursor
	var busy map[int64]bool
	if full {
		busy = make(map[int64]bool, len(f.rids))
		for rid := range f.rids {
			busy[rid] = true
		}
	}
	room := 2*limit - len(f.rids)
	f.mu.Unlock()
	if room > 0 {
		// A failure here leaves the bundles for the next look; the rows
		// already made still go.
		if _, err := q.store.Unbundle(ctx, min(room, limit)); err != nil && ctx.Err() == nil {
			q.log.Error("making queue rows of accepted posts", "err", err)
		}
	}
	var items []groups.OutboundItem
	var err error
	if full {
		items, err = q.store.DueOutbound(ctx, now, limit, q.opts.ListRate, busy)
	} else {
		items, err = q.store.DueOutboundAfter(ctx, now, cursor, limit)
	}
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	if full {
		// The full look takes rows by (next_try, rid): fresh rows in the
		// order they were queued, so that even when cut short by limit it
		// leaves no fresh row below the cursor. What it may leave there
		// (a retry due later than fresher rows) waits for the next one.
		f.nextFull = now.Add(q.opts.PollInterval)
	}
	for _, it := range items { // every row handed out is at or below the cursor
		f.rids[it.RID] = true
		f.cursor = max(f.cursor, it.RID)
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
