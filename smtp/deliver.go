package smtp

import (
	"context"
	"errors"
	"time"

	gosmtp "github.com/emersion/go-smtp"

	"groupd/groups"
	"groupd/internal/listaddr"
)

// worker runs one SMTP transaction at a time with the relay, keeping its
// connection open between transactions.
type worker struct {
	q     *Queue
	busy  *inflight
	c     *relayConn
	used  time.Time // when c last finished a transaction
	cache *msgCache
	stop  context.Context // Run's: ends a wait for the memory budget
}

// maxIdle is how long a worker keeps an unused relay connection; relays
// drop idle clients after a few minutes (RFC 5321 §4.5.3.2.7).
const maxIdle = 30 * time.Second

func (w *worker) close() {
	if w.c != nil {
		w.c.quit()
		w.c = nil
	}
}

// deliver sends one batch: MAIL, one RCPT per row, DATA (RFC 5321 §3.3),
// then records each row's outcome in one store transaction.
func (w *worker) deliver(b batch) {
	o := &outcome{q: w.q, now: w.q.opts.Now()}
	ctx := context.Background()
	release, err := w.take(w.stop, b.oid)
	if err != nil && w.stop.Err() != nil {
		return // shutting down: the rows stay in flight and go after a restart
	}
	if err != nil {
		o.failAll(b.items, err)
		w.finish(b, o)
		return
	}
	defer release()
	msg, err := w.cache.get(ctx, w.q.store, b.oid)
	if err != nil {
		o.failAll(b.items, err)
	} else if err := w.transact(msg, b.items, o); err != nil {
		w.q.log.Warn("relay transaction", "relay", w.q.opts.Relay, "err", err)
		w.close()
	}
	w.finish(b, o)
}

// take waits for the memory budget to hold message oid (background work
// waits where a client is refused), unless the worker's cache has it.
func (w *worker) take(ctx context.Context, oid int64) (func(), error) {
	if _, ok := w.cache.m[oid]; ok || w.q.opts.Budget == nil {
		return func() {}, nil
	}
	n, err := w.q.store.OutboundSize(ctx, oid)
	if err != nil {
		return nil, err
	}
	return w.q.opts.Budget.Take(ctx, 3*n) // SQLite's copy, the driver's, database/sql's
}

// finish records the batch's outcome.
func (w *worker) finish(b batch, o *outcome) {
	// Rows whose outcome could not be written stay in flight: they go
	// again after a restart, not at once.
	if err := w.q.finish.finish(o.d); err != nil {
		w.q.log.Error("recording deliveries", "err", err)
	} else {
		w.busy.done(b.items)
		if f := w.q.opts.OnDelivery; f != nil {
			f(len(o.d.Sent), len(o.d.Retry), len(o.d.Failed))
		}
	}
	w.q.log.Debug("batch", "oid", b.oid, "sent", len(o.d.Sent), "retry", len(o.d.Retry), "failed", len(o.d.Failed))
}

// transact sends a batch's rows: those whose copies are alike in one
// SMTP transaction, then each external address's copy, which carries its
// own unsubscribe fields (unsubscribe.go), in one of its own on the same
// connection, pipelined one behind another when the relay allows
// (pipeline.go). The batch's outcome is still recorded once, so a
// 100-address batch costs one store write however many transactions it
// takes, and a crash repeats at most the batches in flight, as before.
// An error means the connection is unusable (the rows' outcomes are
// recorded in o either way).
func (w *worker) transact(msg *groups.OutboundMessage, items []groups.OutboundItem, o *outcome) error {
	var alike, own []groups.OutboundItem
	for _, it := range items {
		if it.Unsubscribe != "" {
			own = append(own, it)
		} else {
			alike = append(alike, it)
		}
	}
	txs := make([][]groups.OutboundItem, 0, 1+len(own))
	if len(alike) > 0 {
		txs = append(txs, alike)
	}
	for i := range own {
		txs = append(txs, own[i:i+1])
	}
	c, err := w.client()
	if err != nil {
		o.failRest(txs, err)
		return err
	}
	if c.pipeline && len(txs) > 1 {
		return w.pipeline(c, msg, txs, o)
	}
	return w.oneByOne(msg, txs, o)
}

// oneByOne runs txs one after another, each waiting for the previous
// one's last answer.
func (w *worker) oneByOne(msg *groups.OutboundMessage, txs [][]groups.OutboundItem, o *outcome) error {
	for i, tx := range txs {
		if err := w.transactOne(msg, tx, o); err != nil {
			o.failRest(txs[i+1:], err)
			return err
		}
	}
	return nil
}

// transactOne runs one SMTP transaction of msg to items.
func (w *worker) transactOne(msg *groups.OutboundMessage, items []groups.OutboundItem, o *outcome) error {
	c, err := w.client()
	if err != nil {
		o.failAll(items, err)
		return err
	}
	from := envelopeFrom(msg, items[0].RID)
	rcpts := rcptsOf(items)
	data := w.q.copyFor(msg, items)
	mailErr, rcptErrs, dataErr := c.transaction(from, rcpts, data)
	if mailErr != nil && !isSMTP(mailErr) && rcptErrs == nil {
		// A kept connection the relay has dropped: once more on a new one.
		w.close()
		if c, err = w.client(); err != nil {
			o.failAll(items, err)
			return err
		}
		mailErr, rcptErrs, dataErr = c.transaction(from, rcpts, data)
	}
	o.transaction(items, mailErr, rcptErrs, dataErr)
	switch {
	case mailErr != nil:
		return connErr(c, mailErr)
	case !anyNil(rcptErrs):
		return connErr(c, nil)
	case dataErr != nil:
		return connErr(c, dataErr)
	}
	w.used = time.Now()
	return nil
}

func rcptsOf(items []groups.OutboundItem) []string {
	rcpts := make([]string, len(items))
	for i, it := range items {
		rcpts[i] = it.Rcpt
	}
	return rcpts
}

// client is the worker's connection to the relay, dialled when needed.
func (w *worker) client() (*relayConn, error) {
	if w.c != nil && time.Since(w.used) < maxIdle {
		return w.c, nil
	}
	w.close()
	c, err := dialRelay(w.q.opts.Relay, w.q.opts.Hostname, w.q.opts.Timeout)
	if err != nil {
		return nil, err
	}
	w.c, w.used = c, time.Now()
	return c, nil
}

// connErr: after an SMTP answer, or none, the connection goes on with
// RSET; after anything else it is dropped.
func connErr(c *relayConn, err error) error {
	if err != nil && !isSMTP(err) {
		return err
	}
	return c.reset()
}

func isSMTP(err error) bool {
	var se *gosmtp.SMTPError
	return errors.As(err, &se)
}

// envelopeFrom is the envelope sender for a transaction of msg whose first
// recipient row is rid: with VERP, the bounce address naming that row.
func envelopeFrom(msg *groups.OutboundMessage, rid int64) string {
	if !msg.VERP {
		return msg.MailFrom
	}
	return listaddr.VERPAddress(msg.MailFrom, listaddr.VERPToken(rid, msg.Salt))
}
