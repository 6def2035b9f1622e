package daemon

import (
	"context"
	"time"
)

// expireInterval is how often held posts are looked at for expiry.
const expireInterval = time.Hour

// expireHeld drops, once an hour and at start, the posts a list's
// moderation has held for longer than mail.hold_days, and the join
// requests first made longer ago than that; the store tells their
// verified authors and requesters (groups.Store.ExpireHeld,
// ExpireJoinRequests). The same round sends the masters' daily summaries
// of unsubscribed external addresses (groups.Store.SummariseUnsubscribes:
// at most one per list a day).
func (d *Daemon) expireHeld(ctx context.Context) error {
	log := d.logger("moderation")
	t := time.NewTicker(expireInterval)
	defer t.Stop()
	for {
		if n, err := d.store.ExpireHeld(ctx, d.cfg.Mail.HoldDays); err != nil && ctx.Err() == nil {
			log.Error("expiring held posts", "err", err)
		} else if n > 0 {
			log.Info("held posts expired", "count", n)
		}
		if n, err := d.store.ExpireJoinRequests(ctx, d.cfg.Mail.HoldDays); err != nil && ctx.Err() == nil {
			log.Error("expiring join requests", "err", err)
		} else if n > 0 {
			log.Info("join requests expired", "count", n)
		}
		if n, err := d.store.SummariseUnsubscribes(ctx); err != nil && ctx.Err() == nil {
			log.Error("summarising unsubscribes", "err", err)
		} else if n > 0 {
			log.Info("unsubscribe summaries queued", "lists", n)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}
