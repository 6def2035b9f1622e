package smtp

import (
	"bufio"
	"bytes"
	"net"
	"net/textproto"
	"strconv"
	"strings"
	"time"

	gosmtp "github.com/emersion/go-smtp"
)

// relayConn is the queue's connection to the relay: an SMTP client (RFC
// 5321) that pipelines MAIL, the RCPTs and DATA of a transaction when the
// relay offers PIPELINING (RFC 2920), so that a transaction of 100
// recipients costs two round trips instead of 103 (and the transactions
// of a batch one each, one behind another: pipeline.go). Answers come
// back as *gosmtp.SMTPError (code, enhanced code, text) as go-smtp's
// client gives them; any other error means the connection is unusable.
type relayConn struct {
	conn     net.Conn
	r        *textproto.Reader
	w        *textproto.Writer
	timeout  time.Duration
	pipeline bool
	size     bool
	utf8     bool // the relay offers SMTPUTF8 (RFC 6531)
}

// dialRelay connects, reads the greeting and says EHLO (HELO when the
// relay refuses EHLO), RFC 5321 §3.1 and §4.1.1.1.
func dialRelay(addr, hostname string, timeout time.Duration) (*relayConn, error) {
	conn, err := net.DialTimeout("tcp", addr, timeout)
	if err != nil {
		return nil, err
	}
	c := &relayConn{conn: conn, timeout: timeout, r: textproto.NewReader(bufio.NewReader(conn)),
		w: textproto.NewWriter(bufio.NewWriterSize(conn, 32<<10))}
	if err := c.hello(hostname); err != nil {
		conn.Close()
		return nil, err
	}
	return c, nil
}

func (c *relayConn) hello(hostname string) error {
	c.conn.SetDeadline(time.Now().Add(c.timeout))
	if _, err := c.reply(2); err != nil {
		return err
	}
	lines, err := c.cmd(2, "EHLO "+hostname)
	if err != nil {
		if !isSMTP(err) {
			return err
		}
		_, err = c.cmd(2, "HELO "+hostname)
		return err
	}
	for _, l := range lines[1:] {
		kw, _, _ := strings.Cut(strings.ToUpper(l), " ")
		c.pipeline = c.pipeline || kw == "PIPELINING"
		c.size = c.size || kw == "SIZE"
		c.utf8 = c.utf8 || kw == "SMTPUTF8"
	}
	return nil
}

// cmd sends one command and reads its reply.
func (c *relayConn) cmd(class int, line string) ([]string, error) {
	c.conn.SetDeadline(time.Now().Add(c.timeout))
	if err := c.w.PrintfLine("%s", line); err != nil {
		return nil, err
	}
	return c.reply(class)
}

// reply reads one reply: an *gosmtp.SMTPError unless its first digit is
// class.
func (c *relayConn) reply(class int) ([]string, error) {
	code, msg, err := c.r.ReadResponse(0)
	if err != nil {
		return nil, err
	}
	lines := strings.Split(msg, "\n")
	if code/100 != class {
		return lines, smtpError(code, lines)
	}
	return lines, nil
}

// smtpError makes an answer into go-smtp's error type, with the enhanced
// status code of RFC 3463 when the text starts with one.
func smtpError(code int, lines []string) *gosmtp.SMTPError {
	e := &gosmtp.SMTPError{Code: code, EnhancedCode: gosmtp.NoEnhancedCode, Message: strings.Join(lines, " ")}
	first, rest, ok := strings.Cut(lines[0], " ")
	parts := strings.Split(first, ".")
	if !ok || len(parts) != 3 {
		return e
	}
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || n > 999 {
			return e
		}
		e.EnhancedCode[i] = n
	}
	for i := range lines[1:] {
		lines[i+1] = strings.TrimPrefix(lines[i+1], first+" ")
	}
	e.Message = strings.Join(append([]string{rest}, lines[1:]...), " ")
	return e
}

// transaction sends MAIL and one RCPT per recipient (pipelined when the
// relay allows), then DATA and the message when a recipient was accepted
// (RFC 5321 §3.3). mailErr is the answer to MAIL (an SMTP error there
// refuses every recipient); rcptErrs[i] is the answer to recipient i;
// dataErr the answer to DATA or the final dot. A non-SMTP error in any of
// them means the connection is gone.
func (c *relayConn) transaction(from string, rcpts []string, data []byte) (mailErr error, rcptErrs []error, dataErr error) {
	cmds, err := c.envelope(from, rcpts, data)
	if err != nil {
		return err, nil, nil
	}
	if c.pipeline {
		return c.pipelined(cmds, data)
	}
	errs, err := c.commands(cmds)
	if err != nil {
		return err, nil, nil
	}
	if errs[0] != nil {
		return errs[0], nil, nil
	}
	rcptErrs = errs[1:]
	if !anyNil(rcptErrs) {
		return nil, rcptErrs, nil
	}
	if _, err := c.cmd(3, "DATA"); err != nil {
		return nil, rcptErrs, err
	}
	return nil, rcptErrs, c.data(data)
}

// envelope is a transaction's MAIL and RCPT commands, or the answer to a
// sender that cannot be sent.
func (c *relayConn) envelope(from string, rcpts []string, data []byte) ([]string, error) {
	if strings.ContainsAny(from, "\r\n") {
		return nil, &gosmtp.SMTPError{Code: 553, EnhancedCode: gosmtp.EnhancedCode{5, 1, 7}, Message: "bad sender address"}
	}
	mail := "MAIL FROM:<" + from + ">"
	if c.size {
		mail += " SIZE=" + strconv.Itoa(len(data))
	}
	if c.utf8 && needsUTF8(from, rcpts, data) {
		mail += " SMTPUTF8"
	}
	cmds := make([]string, 0, 1+len(rcpts))
	cmds = append(cmds, mail)
	for _, r := range rcpts {
		if strings.ContainsAny(r, "\r\n") { // never stored so; a line break would start a command
			r = strings.Map(func(c rune) rune {
				if c == '\r' || c == '\n' {
					return -1
				}
				return c
			}, r)
		}
		cmds = append(cmds, "RCPT TO:<"+r+">")
	}
	return cmds, nil
}

// pipelined sends MAIL, the RCPTs and DATA in one group (RFC 2920 §3.1:
// DATA may end a group), so that a transaction costs two round trips:
// the group, then the message. A server refuses DATA when it accepted
// no recipient (§3.1); one that says 354 anyway gets a lone dot.
func (c *relayConn) pipelined(cmds []string, data []byte) (mailErr error, rcptErrs []error, dataErr error) {
	c.begin()
	c.group(cmds)
	if err := c.flush(); err != nil {
		return err, nil, nil
	}
	mailErr, rcptErrs, dataErr, err := c.groupReplies(len(cmds) - 1)
	if err != nil {
		return err, nil, nil
	}
	if mailErr != nil || !anyNil(rcptErrs) {
		if dataErr == nil { // 354 with nothing to send it to
			if _, err := c.cmd(2, "."); err != nil && !isSMTP(err) {
				return err, nil, nil
			}
		}
		if mailErr != nil {
			return mailErr, nil, nil
		}
		return nil, rcptErrs, nil
	}
	if dataErr != nil {
		return nil, rcptErrs, dataErr
	}
	return nil, rcptErrs, c.data(data)
}

func anyNil(errs []error) bool {
	for _, e := range errs {
		if e == nil {
			return true
		}
	}
	return false
}

// needsUTF8 reports whether a transaction must be declared SMTPUTF8 (RFC
// 6531 §3.4): a UTF-8 address in the envelope or UTF-8 in the header. A
// relay that enforces the rule (Postfix's strict_smtputf8) refuses an
// undeclared UTF-8 address with 553 5.6.7, which would count as a hard
// bounce. Without SMTPUTF8 offered, the transaction goes as before and
// the relay decides.
func needsUTF8(from string, rcpts []string, data []byte) bool {
	if !isASCII(from) {
		return true
	}
	for _, r := range rcpts {
		if !isASCII(r) {
			return true
		}
	}
	head := data
	if i := bytes.Index(data, []byte("\r\n\r\n")); i >= 0 {
		head = data[:i]
	}
	return !isASCII(string(head))
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// commands sends cmds one by one (no PIPELINING) and reads their
// replies. The returned error is a connection error; SMTP answers are in
// errs.
func (c *relayConn) commands(cmds []string) (errs []error, err error) {
	for _, l := range cmds {
		_, e := c.cmd(2, l)
		if e != nil && !isSMTP(e) {
			return nil, e
		}
		errs = append(errs, e)
	}
	return errs, nil
}

// data sends the message once DATA was answered 354, dot-stuffed and
// with the final dot (writeDot), and reads the answer.
func (c *relayConn) data(msg []byte) error {
	c.begin()
	c.message(msg)
	if err := c.flush(); err != nil {
		return err
	}
	_, err := c.reply(2)
	return err
}

// reset ends a transaction (RSET, RFC 5321 §4.1.1.5).
func (c *relayConn) reset() error {
	_, err := c.cmd(2, "RSET")
	return err
}

func (c *relayConn) quit() {
	c.conn.SetDeadline(time.Now().Add(time.Second))
	c.cmd(2, "QUIT")
	c.conn.Close()
}
