package smtp

import (
	"context"
	"errors"
	"fmt"
	"net"
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

// outcome collects what happened to a batch's rows.
type outcome struct {
	q   *Queue
	now time.Time
	d   groups.Delivery
}

// fail records a failure of it: permanent for a 5xx answer (or past
// GiveUp), else a retry.
func (o *outcome) fail(it groups.OutboundItem, err error) {
	code, text := describe(err)
	a := groups.Attempt{RID: it.RID, Code: code, Error: text}
	var se *gosmtp.SMTPError
	if errors.As(err, &se) && se.Code >= 500 {
		o.d.Failed = append(o.d.Failed, a)
		return
	}
	if a.Next = o.q.retryAt(it, o.now); a.Next.IsZero() {
		a.Error = "gave up after " + o.q.opts.GiveUp.String() + ": " + text
		o.d.Failed = append(o.d.Failed, a)
		return
	}
	o.d.Retry = append(o.d.Retry, a)
}

// failAll records err, an answer to the whole transaction, for items.
func (o *outcome) failAll(items []groups.OutboundItem, err error) {
	n := len(o.d.Failed)
	for _, it := range items {
		o.fail(it, err)
	}
	for i := n; i < len(o.d.Failed); i++ {
		o.d.Failed[i].Whole = true
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
// connection. The batch's outcome is still recorded once, so a
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
	for i, tx := range txs {
		if err := w.transactOne(msg, tx, o); err != nil {
			for _, rest := range txs[i+1:] {
				o.failAll(rest, err)
			}
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
	rcpts := make([]string, len(items))
	for i, it := range items {
		rcpts[i] = it.Rcpt
	}
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
	if mailErr != nil {
		o.failAll(items, mailErr)
		return connErr(c, mailErr)
	}
	var accepted []groups.OutboundItem
	for i, it := range items {
		if rcptErrs[i] != nil {
			o.fail(it, rcptErrs[i])
			continue
		}
		accepted = append(accepted, it)
	}
	if len(accepted) == 0 {
		return connErr(c, nil)
	}
	if dataErr != nil {
		o.failAll(accepted, dataErr)
		return connErr(c, dataErr)
	}
	carried := groups.Carried{First: items[0].RID}
	for _, it := range accepted {
		o.d.Sent = append(o.d.Sent, it.RID)
		carried.Rows = append(carried.Rows, it.RID)
	}
	o.d.Carried = append(o.d.Carried, carried)
	w.used = time.Now()
	return nil
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

// describe gives an error's enhanced code and text for the queue row.
func describe(err error) (code, text string) {
	var se *gosmtp.SMTPError
	if errors.As(err, &se) {
		e := se.EnhancedCode
		if e != gosmtp.NoEnhancedCode && e != gosmtp.EnhancedCodeNotSet {
			code = fmt.Sprintf("%d.%d.%d", e[0], e[1], e[2])
		} else {
			code = fmt.Sprintf("%d.0.0", se.Code/100)
		}
		return code, fmt.Sprintf("%d %s %s", se.Code, code, se.Message)
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return "4.4.1", "relay unreachable: " + err.Error()
	}
	return "4.0.0", err.Error()
}

// envelopeFrom is the envelope sender for a transaction of msg whose first
// recipient row is rid: with VERP, the bounce address naming that row.
func envelopeFrom(msg *groups.OutboundMessage, rid int64) string {
	if !msg.VERP {
		return msg.MailFrom
	}
	return listaddr.VERPAddress(msg.MailFrom, listaddr.VERPToken(rid, msg.Salt))
}
