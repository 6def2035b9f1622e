package daemon

import (
	"context"
	"log/slog"
	"time"

	"groupd/groups"
	"groupd/internal/budget"
)

// indexer writes the IMAP search text of newly archived posts
// (groups.Store.IndexArchive) in the background, so that a SEARCH finds
// them without indexing them itself. On PostgreSQL every node runs one;
// the store claims the posts each node takes (groups/mail_claim.go), and
// a claim runs out on its own, so there is nothing to renew or release.
type indexer struct {
	store *groups.Store
	log   *slog.Logger
	mem   *budget.Budget
	// poll is how often it looks without being woken: the queue's
	// default poll, as when the queue did this work.
	poll time.Duration
}

// indexBatch is how many archived posts are indexed for IMAP SEARCH in
// one store transaction (short, so that posts are not kept waiting for
// the writer).
const indexBatch = 100

// indexBytes bounds the bytes of posts indexed in one batch (at least
// one post): IndexArchive loads them all at once.
const indexBytes = 4 << 20

// Run indexes until ctx is done. It wakes when a post is archived (the
// queue, which did this before, woke when the post's copies were queued
// and indexed once it had sent them), on a resync, and every poll.
func (x *indexer) Run(ctx context.Context) error {
	sub := x.store.Subscribe()
	defer sub.Close()
	tick := time.NewTicker(x.poll)
	defer tick.Stop()
	for {
		for x.indexArchive(ctx) {
		}
		if !sub.Wait(ctx, tick.C, wakesIndexer) {
			return nil
		}
	}
}

// indexArchive writes the search text of archived posts
// (groups.Store.IndexArchive), as many as indexBytes and the memory
// budget allow; true when it did some.
func (x *indexer) indexArchive(ctx context.Context) bool {
	sizes, err := x.store.IndexTodoSizes(ctx, indexBatch)
	if err != nil || len(sizes) == 0 {
		return false
	}
	limit, total := 0, int64(0)
	for _, n := range sizes {
		if limit > 0 && total+n > indexBytes {
			break
		}
		limit, total = limit+1, total+n
	}
	release, err := x.mem.Take(ctx, 3*total) // SQLite's copy, the driver's, database/sql's
	if err != nil {
		return false
	}
	defer release()
	n, err := x.store.IndexArchive(ctx, limit)
	if err != nil && ctx.Err() == nil {
		x.log.Error("indexing the archive", "err", err)
	}
	return n > 0
}

// wakesIndexer says whether a change may have left posts to index: a
// post archived, or changes of other nodes that went unannounced
// (ChangeResync).
func wakesIndexer(c groups.Change) bool {
	return c.Kind == groups.ChangeResync || c.Kind == groups.ChangeData && c.Feature == groups.FeatureMessage
}
