package smtp

import (
	"errors"
	"fmt"
	"net"
	"time"

	gosmtp "github.com/emersion/go-smtp"

	"groupd/groups"
)

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

// failRest records err for every row of txs.
func (o *outcome) failRest(txs [][]groups.OutboundItem, err error) {
	for _, tx := range txs {
		o.failAll(tx, err)
	}
}

// transaction records the answers to one SMTP transaction of items: a
// refused MAIL (or a failed connection before the recipients' answers)
// fails every row; a refused RCPT its row; a refused DATA or message
// every accepted row. The accepted rows of a transaction whose message
// the relay took are sent, and carried under the transaction's VERP
// envelope sender, which names its first row (envelopeFrom).
func (o *outcome) transaction(items []groups.OutboundItem, mailErr error, rcptErrs []error, dataErr error) {
	if mailErr != nil {
		o.failAll(items, mailErr)
		return
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
		return
	}
	if dataErr != nil {
		o.failAll(accepted, dataErr)
		return
	}
	carried := groups.Carried{First: items[0].RID}
	for _, it := range accepted {
		o.d.Sent = append(o.d.Sent, it.RID)
		carried.Rows = append(carried.Rows, it.RID)
	}
	o.d.Carried = append(o.d.Carried, carried)
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
