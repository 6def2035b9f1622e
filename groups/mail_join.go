package groups

import (
	"context"
	"net/mail"
	"strings"
	"unicode/utf8"
)

// MaxJoinText bounds the words of a join request quoted to the masters:
// the beginning of its text/plain part.
const MaxJoinText = 4 << 10

// JoinMail is a join request (mail to <local>-join@) as the mail server
// read it.
type JoinMail struct {
	Address string // the requester's address
	Name    string // their display name, one line; may be ""
	Subject string // the request's Subject, decoded, one line
	// Text is the request's own words: its text/plain part, decoded,
	// never HTML, at most MaxJoinText bytes (longer is cut here).
	Text      string
	Truncated bool // Text is the beginning of a longer part
	// Verified says the mail server could vouch for the address (trusted
	// network, passing DKIM, submission).
	Verified bool
}

// JoinRequest queues, in one transaction, a join request to the masters
// of the list and an acknowledgement to the requester (SPEC §4, -join@).
// The masters' notice names the requester by name and address, quotes
// the request's subject and words, and has the requester as Reply-To, so
// that a master can simply answer. An unverified requester gets no
// acknowledgement, so that a forged sender gets no mail from groupd (no
// backscatter), and the masters are told the address is unproven.
func (s *Store) JoinRequest(ctx context.Context, list string, r JoinMail) error {
	r.Address = normAddr(r.Address)
	r.Text, r.Truncated = joinText(r.Text, r.Truncated)
	return s.write(ctx, func(tx *wtx) error {
		l, err := loadListRow(ctx, tx, list)
		if err != nil {
			return err
		}
		c := s.notices
		who := s.notices.Person(r.Name, r.Address)
		replyTo := &mail.Address{Name: r.Name, Address: r.Address}
		if err := s.noticeMasters(ctx, tx, l.gid, c.T("join.subject", l.name, who), s.joinBody(l, who, r), replyTo); err != nil {
			return err
		}
		if !r.Verified {
			return nil
		}
		return s.acknowledgeJoin(ctx, tx, l, r.Address)
	})
}

// joinBody is the masters' notice of a join request: who asks, their
// subject and words quoted, and what a master can do.
func (s *Store) joinBody(l *listRow, who string, r JoinMail) string {
	c := s.notices
	b := s.notices.NewBody()
	b.Para(c.T("join.intro", who, l.name, l.address))
	b.Para(c.T("join.words"))
	b.Lines(c.T("join.words.subject", c.Value(r.Subject)))
	b.Quote(c.Value(r.Text))
	if r.Truncated {
		b.Para(c.T("join.words.truncated"))
	}
	if !r.Verified {
		b.Para(c.T("join.unverified"))
	}
	b.Para(c.T("join.howto"))
	return b.String()
}

// joinText makes a request's words safe to quote: LF line ends, no
// control characters but tabs, valid UTF-8, at most MaxJoinText bytes
// cut at a character's start, no blank lines at either end.
func joinText(text string, truncated bool) (string, bool) {
	text = strings.ReplaceAll(strings.ToValidUTF8(text, "\uFFFD"), "\r\n", "\n")
	text = strings.Map(func(r rune) rune {
		if (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f {
			return -1
		}
		return r
	}, text)
	if len(text) > MaxJoinText {
		n := MaxJoinText
		for n > 0 && !utf8.RuneStart(text[n]) {
			n--
		}
		text, truncated = text[:n], true
	}
	return strings.Trim(text, "\n"), truncated
}

// acknowledgeJoin queues the requester's acknowledgement. A private
// group's is named by the address the requester wrote to, not by the
// group's name, which only members know.
func (s *Store) acknowledgeJoin(ctx context.Context, tx *wtx, l *listRow, requester string) error {
	c := s.notices
	what := c.T("join.ack.group", l.name, l.address)
	if !l.public {
		what = c.T("join.ack.list", l.address)
	}
	b := s.notices.NewBody()
	b.Para(c.T("join.ack.body", what))
	msg, err := s.composeNotice(tx, c.T("join.ack.subject", what), b.String(), nil)
	if err != nil {
		return err
	}
	_, err = enqueueFor(ctx, tx, outboundRow{from: s.NoReplyAddress(), gid: l.gid, kind: "notice"}, []string{requester}, msg)
	return err
}
