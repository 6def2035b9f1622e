package groups

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"mime"
	"strings"
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
	res, err := tx.ExecContext(ctx, `INSERT INTO outbound (mail_from, data, created_at) VALUES (?, ?, ?)`,
		from, data, tx.unix())
	if err != nil {
		return err
	}
	oid, _ := res.LastInsertId()
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

// notifyGroup queues a notification to every member of group gid saying
// what changed and by whom (SPEC §1, Notifications).
func (s *Store) notifyGroup(ctx context.Context, tx *wtx, gid int64, a Actor, subject, body string) error {
	rows, err := tx.QueryContext(ctx, `SELECT u.email FROM memberships m JOIN users u ON u.uid = m.uid
		WHERE m.gid = ? ORDER BY u.email`, gid)
	if err != nil {
		return err
	}
	var rcpts []string
	for rows.Next() {
		var e string
		if err := rows.Scan(&e); err != nil {
			rows.Close()
			return err
		}
		rcpts = append(rcpts, e)
	}
	rows.Close()
	who := a.Email
	if who == "" {
		who = "an administrator"
	}
	msg := s.composeNotice(tx, rcpts, subject+" by "+who, body)
	return enqueue(ctx, tx, s.NoReplyAddress(), rcpts, msg)
}

func (s *Store) composeNotice(tx *wtx, rcpts []string, subject, body string) []byte {
	id := make([]byte, 12)
	rand.Read(id)
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: groupd <%s>\r\n", s.NoReplyAddress())
	fmt.Fprintf(&b, "To: undisclosed-recipients:;\r\n")
	fmt.Fprintf(&b, "Subject: %s\r\n", mime.QEncoding.Encode("utf-8", subject))
	fmt.Fprintf(&b, "Date: %s\r\n", tx.now.Format("Mon, 02 Jan 2006 15:04:05 -0700"))
	fmt.Fprintf(&b, "Message-ID: <%s@%s>\r\n", hex.EncodeToString(id), s.opts.Hostname)
	b.WriteString("Auto-Submitted: auto-generated\r\nMIME-Version: 1.0\r\n")
	b.WriteString("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
	b.WriteString(strings.ReplaceAll(strings.ReplaceAll(body, "\r\n", "\n"), "\n", "\r\n"))
	return b.Bytes()
}
