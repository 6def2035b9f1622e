package smtp

import (
	"time"

	"groupd/groups"
)

// A batch's transactions pipelined one behind another (RFC 2920 §3.1:
// message content may be the first "command" of a group, and DATA may
// end one). After the replies to transaction i's MAIL, RCPTs and DATA,
// one write carries what ends transaction i (its message and final dot;
// with nothing to send, a lone dot if the relay said 354 anyway, and
// RSET) and transaction i+1's MAIL, RCPTs and DATA; then the replies are
// read in order: i's, then i+1's. So n transactions cost n+1 round
// trips, where one at a time they cost 2n (and 3n before DATA joined
// the group): a write and a read each, whose system calls were most of
// a fan-out's CPU. Each row's outcome is what transactOne would record;
// a connection that fails fails the transaction in progress and every
// later one, as one at a time.

// pipeTx is one transaction of a pipelined batch.
type pipeTx struct {
	items []groups.OutboundItem
	// data is its copy (copyFor), built just before its group is
	// written (after the previous message was) and let go once its
	// message is written: a batch holds one at a time.
	data     []byte
	grouped  bool // its group went (not when the sender cannot be sent)
	mailErr  error
	rcptErrs []error
	dataErr  error // the answer to DATA
}

// pipeline sends txs, more than one, on c, which offers PIPELINING.
func (w *worker) pipeline(c *relayConn, msg *groups.OutboundMessage, txs [][]groups.OutboundItem, o *outcome) error {
	t := w.newTx(msg, txs[0])
	if err := t.open(c, msg); err != nil {
		// A kept connection the relay has dropped: once more on a new
		// one, as transactOne does.
		w.close()
		if c, err = w.client(); err != nil {
			o.failRest(txs, err)
			return err
		}
		if !c.pipeline { // the relay changed; rare enough to start over
			return w.oneByOne(msg, txs, o)
		}
		if err := t.open(c, msg); err != nil {
			o.failRest(txs, err)
			return err
		}
	}
	for i := 1; ; i++ {
		c.begin()
		t.end(c)
		var next *pipeTx
		if i < len(txs) {
			next = w.newTx(msg, txs[i])
			next.group(c, msg)
		}
		sendErr := c.flush()
		if err := w.settle(c, t, o, sendErr, next == nil); err != nil {
			o.failRest(txs[i:], err)
			return err
		}
		if next == nil {
			return nil
		}
		if err := next.answered(c); err != nil {
			o.failRest(txs[i:], err)
			return err
		}
		t = next
	}
}

func (w *worker) newTx(msg *groups.OutboundMessage, items []groups.OutboundItem) *pipeTx {
	return &pipeTx{items: items, data: w.q.copyFor(msg, items)}
}

// group buffers t's MAIL, RCPTs and DATA, unless its sender cannot be
// sent, which is then the answer to MAIL.
func (t *pipeTx) group(c *relayConn, msg *groups.OutboundMessage) {
	cmds, err := c.envelope(envelopeFrom(msg, t.items[0].RID), rcptsOf(t.items), t.data)
	if t.grouped, t.mailErr = err == nil, err; t.grouped {
		c.group(cmds)
	}
}

// open sends t's group alone and reads its replies: the batch's first
// round trip. An error means the connection failed.
func (t *pipeTx) open(c *relayConn, msg *groups.OutboundMessage) error {
	c.begin()
	t.group(c, msg)
	if err := c.flush(); err != nil {
		return err
	}
	return t.answered(c)
}

// answered reads the replies to t's group; an error means the connection
// failed.
func (t *pipeTx) answered(c *relayConn) (err error) {
	if !t.grouped {
		return nil
	}
	t.mailErr, t.rcptErrs, t.dataErr, err = c.groupReplies(len(t.items))
	return err
}

// ready reports whether the relay waits for t's message: MAIL and DATA
// accepted, and a recipient.
func (t *pipeTx) ready() bool {
	return t.mailErr == nil && t.dataErr == nil && anyNil(t.rcptErrs)
}

// lone reports whether the relay said 354 to t's DATA with no recipient
// (or no sender) accepted: it gets a lone dot (see pipelined).
func (t *pipeTx) lone() bool {
	return t.grouped && t.dataErr == nil && !t.ready()
}

// end buffers what ends t: its message, or a lone dot when due and RSET,
// as transactOne sends.
func (t *pipeTx) end(c *relayConn) {
	switch {
	case t.ready():
		c.message(t.data)
	case t.lone():
		c.line(".")
		fallthrough
	default:
		c.line("RSET")
	}
	t.data = nil
}

// settle reads the replies to what ended t and records t's outcome as
// transactOne does; sendErr, a failure to send it, stands for its first
// reply. An error means the connection is unusable (or RSET was
// refused), as transactOne's. After a refused message t gets RSET only
// when it is the batch's last: the final dot ends a transaction whatever
// its answer (RFC 5321 §4.1.1.4: the buffers are cleared), and the next
// transaction's MAIL has gone already.
func (w *worker) settle(c *relayConn, t *pipeTx, o *outcome, sendErr error, last bool) error {
	reply := func(class int) error {
		if sendErr != nil {
			return sendErr
		}
		_, err := c.reply(class)
		return err
	}
	if t.ready() {
		err := reply(2)
		o.transaction(t.items, nil, t.rcptErrs, err)
		switch {
		case err == nil:
			w.used = time.Now()
			return nil
		case !isSMTP(err):
			return err
		case last:
			return c.reset()
		}
		return nil
	}
	if t.lone() {
		if err := reply(2); err != nil && !isSMTP(err) {
			o.failAll(t.items, err) // as pipelined: no answers kept
			return err
		}
	}
	o.transaction(t.items, t.mailErr, t.rcptErrs, t.dataErr)
	return reply(2) // RSET
}
