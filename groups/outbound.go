package groups

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/mail"
)

// Enqueue durably queues a message for delivery through the relay to each
// recipient. It returns once the message is committed.
func (s *Store) Enqueue(ctx context.Context, from string, rcpts []string, data []byte) error {
	return s.write(ctx, func(tx *wtx) error { return enqueue(ctx, tx, from, rcpts, data) })
}

func enqueue(ctx context.Context, tx *wtx, from string, rcpts []string, data []byte) error {
	if len(rcpts) == 0 {
		return nil
	}
	var oid int64
	err := tx.QueryRowContext(ctx, `INSERT INTO outbound (mail_from, data, created_at) VALUES (?, ?, ?) RETURNING oid`,
		from, data, tx.unix()).Scan(&oid)
	if err != nil {
		return err
	}
	for _, r := range rcpts {
		if _, err := tx.ExecContext(ctx, `INSERT INTO outbound_rcpts (oid, rcpt, next_try) VALUES (?, ?, ?)`,
			oid, r, tx.unix()); err != nil {
			return err
		}
	}
	tx.emit(Change{Kind: ChangeOutbound, Ref: oid})
	return nil
}

// ChangeOutbound announces newly queued outbound mail.
const ChangeOutbound = "outbound.queued"

// NoReplyAddress is the sender of groupd's own notifications.
func (s *Store) NoReplyAddress() string { return "groupd-noreply@" + s.opts.MailDomains[0] }

// composeNotice writes notice n from groupd's no-reply address in the
// organisation's language (Options.Notices: its words, RFC 2047 headers,
// folded, long lines quoted-printable). replyTo, when not nil, is whom a
// reply goes to; attached, when not nil, a message sent along
// (message/rfc822).
func (s *Store) composeNotice(tx *wtx, n Notice, replyTo *mail.Address, attached ...[]byte) ([]byte, error) {
	subject, body, err := s.notices.Render(n)
	if err != nil {
		return nil, err
	}
	id := make([]byte, 12)
	rand.Read(id)
	var att []byte
	if len(attached) > 0 {
		att = attached[0]
	}
	return s.notices.Compose(&mail.Address{Name: "groupd", Address: s.NoReplyAddress()}, replyTo, subject,
		hex.EncodeToString(id)+"@"+s.opts.Hostname, tx.now, body, att)
}
