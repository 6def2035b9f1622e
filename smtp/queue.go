package smtp

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"groupd/groups"
)

// Queue delivers the outbound queue to the relay. On SQLite, run one
// Queue per database: which rows are in flight it keeps in memory, for
// the life of its run. On PostgreSQL each node runs one: a Queue claims
// the rows it takes for its store's node and renews the claims while it
// runs (queue_claims.go).
type Queue struct {
	opts   QueueOptions
	log    *slog.Logger
	store  *groups.Store
	finish *finisher
}

// NewQueue makes a Queue; Run starts it.
func NewQueue(opts QueueOptions) (*Queue, error) {
	if err := opts.fill(); err != nil {
		return nil, err
	}
	return &Queue{opts: opts, log: opts.Logger.With("component", "queue"), store: opts.Store,
		finish: &finisher{store: opts.Store, limit: opts.BounceLimit}}, nil
}

// batch is up to BatchSize rows of one message and one recipient domain:
// one SMTP transaction.
type batch struct {
	oid   int64
	items []groups.OutboundItem
}

// Run delivers until ctx is done, then waits for the transactions in
// flight to finish and be recorded. It wakes on the change feed when mail
// is queued and polls every PollInterval for retries that fall due.
func (q *Queue) Run(ctx context.Context) error {
	sub := q.store.Subscribe()
	defer sub.Close()
	busy := &inflight{rids: map[int64]bool{}}
	jobs := make(chan batch)
	// Claims live until the last worker has recorded its batch.
	defer q.startClaims(ctx)()
	var wg sync.WaitGroup
	for i := 0; i < q.opts.Concurrency; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := &worker{q: q, busy: busy, cache: newMsgCache(), stop: ctx}
			defer w.close()
			for b := range jobs {
				w.deliver(b)
			}
		}()
	}
	defer wg.Wait()
	defer close(jobs)
	tick := time.NewTicker(q.opts.PollInterval)
	defer tick.Stop()
	var pruned time.Time
	for {
		if now := q.opts.Now(); now.Sub(pruned) >= time.Hour {
			pruned = now
			if n, err := q.store.PruneOutbound(ctx, now.Add(-q.opts.KeepDone)); err != nil && ctx.Err() == nil {
				q.log.Error("pruning the queue", "err", err)
			} else if n > 0 {
				q.log.Info("pruned finished mail", "messages", n)
			}
		}
		n, err := q.dispatch(ctx, busy, jobs)
		if err != nil && ctx.Err() == nil {
			q.log.Error("claiming queued mail", "err", err)
		}
		if ctx.Err() != nil {
			return nil
		}
		if n > 0 {
			continue
		}
		if !sub.Wait(ctx, tick.C, wakesQueue) {
			return nil
		}
	}
}

// wakesQueue says whether a change may have queued mail: mail queued
// here, or changes of another node that went unannounced (ChangeResync).
func wakesQueue(c groups.Change) bool {
	return c.Kind == groups.ChangeOutbound || c.Kind == groups.ChangeResync
}

// dispatch takes due rows that are not in flight and hands them to the
// workers, batch by batch. It takes few at a time (a few batches per
// worker), so that rows wait only shortly before they go out.
func (q *Queue) dispatch(ctx context.Context, busy *inflight, jobs chan<- batch) (int, error) {
	items, err := busy.due(ctx, q)
	if err != nil {
		return 0, err
	}
	for _, b := range q.split(items) {
		select {
		case jobs <- b:
		case <-ctx.Done():
			return len(items), nil
		}
	}
	return len(items), nil
}

// split groups claimed rows (sorted by message, domain) into batches.
// An external address's copy, which carries its own unsubscribe link
// (unsubscribe.go), is in its batch too, and goes in an SMTP transaction
// of its own (worker.transact).
func (q *Queue) split(items []groups.OutboundItem) []batch {
	var out []batch
	for _, it := range items {
		n := len(out)
		if n == 0 || out[n-1].oid != it.OID || domain(out[n-1].items[0].Rcpt) != domain(it.Rcpt) ||
			len(out[n-1].items) >= q.opts.BatchSize {
			out = append(out, batch{oid: it.OID})
			n++
		}
		out[n-1].items = append(out[n-1].items, it)
	}
	return out
}

// retryAt is when a row that failed its attempt'th attempt (1-based) is
// tried again; zero when it is past GiveUp and fails for good.
func (q *Queue) retryAt(it groups.OutboundItem, now time.Time) time.Time {
	attempt := it.Attempts + 1
	d := q.opts.Retry[min(attempt, len(q.opts.Retry))-1]
	next := now.Add(d)
	if next.Sub(it.Created) > q.opts.GiveUp {
		return time.Time{}
	}
	return next
}

func domain(addr string) string {
	for i := len(addr) - 1; i >= 0; i-- {
		if addr[i] == '@' {
			return addr[i+1:]
		}
	}
	return ""
}
