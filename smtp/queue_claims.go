package smtp

import (
	"context"
	"time"
)

// startClaims takes back the claims an earlier run on the store left,
// and renews this run's until the function it returns is called: that
// stops the renewal and hands the rows still claimed (a shutdown's) over
// to the other nodes at once.
func (q *Queue) startClaims(ctx context.Context) func() {
	bg := context.WithoutCancel(ctx)
	if err := q.store.ReleaseClaims(bg); err != nil {
		q.log.Error("taking back claims on queued mail", "err", err)
	}
	renewed := make(chan struct{})
	renewCtx, stop := context.WithCancel(bg)
	go func() { defer close(renewed); q.renewClaims(renewCtx) }()
	return func() {
		stop()
		<-renewed
		if err := q.store.ReleaseClaims(bg); err != nil {
			q.log.Error("handing over claims on queued mail", "err", err)
		}
	}
}

// renewClaims keeps this node's claims on the rows in flight alive
// (groups.Store.RenewClaims, every third of the lease) until ctx is
// done, so that the other nodes on a PostgreSQL database take over only
// the rows of a node that stopped. A no-op on SQLite.
func (q *Queue) renewClaims(ctx context.Context) {
	tick := time.NewTicker(max(q.store.Lease()/3, 100*time.Millisecond))
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if err := q.store.RenewClaims(ctx); err != nil && ctx.Err() == nil {
				q.log.Error("renewing the claims on queued mail", "err", err)
			}
		}
	}
}
