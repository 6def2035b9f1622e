package smtp

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"

	gosmtp "github.com/emersion/go-smtp"

	"groupd/groups"
)

// consoleHelo names the web console in the Received field of its posts,
// where a connection's HELO name would be.
const consoleHelo = "web-console"

// PostFromConsole posts raw, an RFC 5322 message that user wrote in the
// web console's Messages tab, to list exactly as if user had submitted
// it over an authenticated submission session: MAIL FROM the user, RCPT
// TO the list (its posting rule for the user, counted as an internal,
// verified sender), DATA (the sender-as check of From, the list copy
// with its header fields, fan-out and archive, durable before it
// returns). remote is the browser's address, for the Received field.
//
// held says the post was stored for the masters (moderation) rather than
// sent. A refusal comes back as a groups error carrying the sentence the
// session would have answered with (ErrDenied for the posting rule,
// ErrNotFound for an address that is not a list, ErrInvalid or
// ErrTooLarge for the message); any other error is temporary.
func (s *Submission) PostFromConsole(ctx context.Context, user *groups.User, remote, list string, raw []byte) (held bool, err error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	id := make([]byte, 6)
	rand.Read(id)
	sid := hex.EncodeToString(id)
	log := s.log.With("session", sid, "remote", remote, "via", consoleHelo, "user", user.Email)
	in := &session{srv: s.inbound, id: sid, remote: remote, trusted: true, log: log}
	sub := &subSession{sub: s, in: in, log: log, user: user}
	if err := sub.Mail(user.Email, nil); err != nil {
		return false, consoleErr(err)
	}
	if err := sub.Rcpt(list, nil); err != nil {
		return false, consoleErr(err)
	}
	// Only a list: the console never relays, nor writes to a list's
	// companion addresses (their handling needs a connection).
	if len(sub.rcpts) > 0 || len(in.targets) != 1 || in.targets[0].Kind != groups.MailList {
		return false, &groups.Error{Kind: groups.ErrNotFound, Msg: list + " is not a mailing list"}
	}
	err = consoleErr(sub.Data(bytes.NewReader(raw)))
	return err == nil && in.held > 0, err
}

// heloName is the name the client gave in HELO or EHLO; a console post
// has no connection and names the console.
func (s *session) heloName() string {
	if s.conn == nil {
		return consoleHelo
	}
	return s.conn.Hostname()
}

// consoleErr turns a session's answer (RFC 5321 §4.2, RFC 3463 codes)
// back into the store's kinds, keeping its sentence.
func consoleErr(err error) error {
	var se *gosmtp.SMTPError
	if err == nil || !errors.As(err, &se) {
		return err
	}
	if se.Code < 500 {
		return err // temporary: try again later
	}
	kind := groups.ErrDenied
	switch se.EnhancedCode {
	case gosmtp.EnhancedCode{5, 1, 1}:
		kind = groups.ErrNotFound
	case gosmtp.EnhancedCode{5, 3, 4}:
		kind = groups.ErrTooLarge
	case gosmtp.EnhancedCode{5, 6, 0}, gosmtp.EnhancedCode{5, 1, 3}:
		kind = groups.ErrInvalid
	}
	return &groups.Error{Kind: kind, Msg: se.Message}
}
