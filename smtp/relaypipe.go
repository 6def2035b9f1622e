package smtp

import (
	"bufio"
	"bytes"
	"time"
)

// The pieces of a pipelined exchange (RFC 2920): commands and message
// data are buffered, sent with one flush, and their replies read in
// order. A buffered write's error is kept by the bufio.Writer and comes
// back from flush.

// begin sets the deadline for one round trip.
func (c *relayConn) begin() {
	c.conn.SetDeadline(time.Now().Add(c.timeout))
}

// line buffers one command.
func (c *relayConn) line(l string) {
	c.w.W.WriteString(l)
	c.w.W.WriteString("\r\n")
}

// group buffers a transaction's MAIL and RCPTs (cmds, from envelope) and
// DATA, which may end a group (RFC 2920 §3.1).
func (c *relayConn) group(cmds []string) {
	for _, l := range cmds {
		c.line(l)
	}
	c.line("DATA")
}

// message buffers msg dot-stuffed and its final dot (RFC 5321 §4.5.2).
func (c *relayConn) message(msg []byte) {
	writeDot(c.w.W, msg)
}

// flush sends what is buffered.
func (c *relayConn) flush() error {
	return c.w.W.Flush()
}

// groupReplies reads the replies to a group of MAIL, rcpts RCPTs and
// DATA: the SMTP answers, or err when the connection failed.
func (c *relayConn) groupReplies(rcpts int) (mailErr error, rcptErrs []error, dataErr error, err error) {
	if _, mailErr = c.reply(2); mailErr != nil && !isSMTP(mailErr) {
		return nil, nil, nil, mailErr
	}
	rcptErrs = make([]error, rcpts)
	for i := range rcptErrs {
		if _, rcptErrs[i] = c.reply(2); rcptErrs[i] != nil && !isSMTP(rcptErrs[i]) {
			return nil, nil, nil, rcptErrs[i]
		}
	}
	if _, dataErr = c.reply(3); dataErr != nil && !isSMTP(dataErr) {
		return nil, nil, nil, dataErr
	}
	return mailErr, rcptErrs, dataErr, nil
}

// writeDot writes msg dot-stuffed, CRLF-terminated, and the final dot,
// as textproto's DotWriter does but without flushing, so that the next
// transaction's commands can follow in the same write (RFC 2920 §3.1).
// Messages are stored with CRLF lines only (readMessage); a row queued
// before that rule has its bare CR and LF made CRLF here, so that no
// "<CR>.<CR><LF>" reaches the relay.
func writeDot(w *bufio.Writer, msg []byte) error {
	msg = toCRLF(msg)
	end := bytes.HasSuffix(msg, []byte("\r\n")) // an empty message is one empty line, as DotWriter sends it
	if len(msg) > 0 && msg[0] == '.' {
		w.WriteByte('.')
	}
	for {
		i := bytes.Index(msg, []byte("\n."))
		if i < 0 {
			break
		}
		w.Write(msg[:i+1])
		w.WriteByte('.')
		msg = msg[i+1:]
	}
	w.Write(msg)
	if !end {
		w.WriteString("\r\n")
	}
	_, err := w.WriteString(".\r\n")
	return err
}
