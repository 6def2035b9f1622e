package smtp

import (
	"bytes"
	"context"
	"errors"

	"groupd/groups"
	"groupd/internal/listaddr"
)

// One-click unsubscribe (issue 13). An external address's copy of a post
// carries its own List-Unsubscribe field, with a token for that address
// and list (groups.OutboundItem.Unsubscribe), so the queue sends it in an
// SMTP transaction of its own (worker.transact), within its batch. The
// shared message stays as it is in the worker's cache (msgcache.go);
// each such transaction sends a copy with the fields put in. groupd signs no outbound mail; an
// author's DKIM signature whose h= names a List-* field breaks already,
// since a sender's List-* fields never pass (owned, listcopy.go), and
// one that names none is not affected by ours.

// unsubscribeFields are the unsubscribe fields of an external address's
// copy of a post to list: the mailto form always (RFC 2369 §3.2), and
// with a public URL first the https link and List-Unsubscribe-Post
// (RFC 8058 §3.1: the POST needs an HTTPS URI, so without one there is
// no List-Unsubscribe-Post). Members' copies get none: they cannot leave.
func unsubscribeFields(publicURL, list, token string) string {
	mailto := "<mailto:" + listaddr.UnsubscribeAddress(list, token) + "?subject=unsubscribe>"
	if publicURL == "" {
		return "List-Unsubscribe: " + mailto + "\r\n"
	}
	return "List-Unsubscribe: <" + publicURL + "/u/" + token + ">,\r\n " + mailto + "\r\n" +
		"List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
}

// withFields is data with fields put in after its first header field
// (the list's Received trace field, which stays on top, RFC 5321 §4.4).
func withFields(data []byte, fields string) []byte {
	end := 0
	for {
		i := bytes.Index(data[end:], []byte("\r\n"))
		if i < 0 {
			end = 0 // no header field end: put the fields first
			break
		}
		end += i + 2
		if end >= len(data) || (data[end] != ' ' && data[end] != '\t') {
			break
		}
	}
	out := make([]byte, 0, len(data)+len(fields))
	out = append(out, data[:end]...)
	out = append(out, fields...)
	return append(out, data[end:]...)
}

// copyFor is the data a transaction of msg to items sends: the shared
// message, or for an external address's copy of a post (a transaction of
// one, Queue.split) the message with that address's unsubscribe fields.
func (q *Queue) copyFor(msg *groups.OutboundMessage, items []groups.OutboundItem) []byte {
	if len(items) != 1 || items[0].Unsubscribe == "" || (msg.Kind != "post" && msg.Kind != "digest") || !msg.VERP {
		return msg.Data
	}
	list := listaddr.ListOfBounceBase(msg.MailFrom)
	return withFields(msg.Data, unsubscribeFields(q.opts.PublicURL, list, items[0].Unsubscribe))
}

// unsubscribe is a mail to <list>-unsubscribe+<token>@, the mailto form
// of an external address's unsubscribe link: the token (checked at RCPT)
// removes the address, whoever sends it, as the https link does.
func (s *session) unsubscribe(t *groups.MailTarget) func() error {
	return func() error {
		ctx, cancel := context.WithTimeout(context.Background(), lookupTimeout)
		defer cancel()
		u, err := s.srv.opts.Store.Unsubscribe(ctx, t.Token, groups.UnsubscribeMail)
		if errors.Is(err, groups.ErrNotFound) { // used twice in one session, or by another at once
			s.log.Info("unsubscribe mail: link no longer valid", "to", t.Address, "from", s.from)
			return nil
		}
		if err == nil {
			s.log.Info("unsubscribed by mail", "list", u.List, "address", u.Address, "from", s.from)
		}
		return err
	}
}
