package groups

import (
	"context"
	"net/mail"
	"strconv"
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

// JoinRequest takes a join request (SPEC §4, -join@; issue 13): it is
// stored for the masters' decision (join_requests.go), and the masters
// get one notice per request, naming the requester by name and address,
// quoting the request's subject and words, with the requester as
// Reply-To so that a master can simply answer. A second request from
// the same address to the same list is merged into the pending one (no
// second notice); some requests are not taken at all (admitJoin). An
// unverified requester gets no acknowledgement, so that a forged sender
// gets no mail from groupd (no backscatter), and the masters are told
// the address is unproven.
func (s *Store) JoinRequest(ctx context.Context, list string, r JoinMail) error {
	r.Address = normAddr(r.Address)
	r.Text, r.Truncated = joinText(r.Text, r.Truncated)
	return s.write(ctx, func(tx *wtx) error {
		l, err := loadListRow(ctx, tx, list)
		if err != nil {
			return err
		}
		if take, err := s.admitJoin(ctx, tx, l, r); !take || err != nil {
			return err
		}
		rid, merged, err := s.storeJoin(ctx, tx, l, r)
		if err != nil || merged {
			return err
		}
		c := s.notices
		who := s.notices.Person(r.Name, r.Address)
		replyTo := &mail.Address{Name: r.Name, Address: r.Address}
		if err := s.noticeMasters(ctx, tx, l.gid, c.T("join.subject", l.name, who), s.joinBody(l, who, rid, r), replyTo); err != nil {
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
func (s *Store) joinBody(l *listRow, who string, rid int64, r JoinMail) string {
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
	if base := s.opts.PublicURL; base != "" {
		b.Para(c.T("join.console", base+"/g/"+l.id+"/requests"))
	} else {
		b.Para(c.T("join.api", "/api/v1/groups/"+l.id+"/requests/"+strconv.FormatInt(rid, 10)))
	}
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

// acknowledgeJoin queues the requester's acknowledgement (see joinWhat
// for how the list is named).
func (s *Store) acknowledgeJoin(ctx context.Context, tx *wtx, l *listRow, requester string) error {
	c := s.notices
	what := s.joinWhat(l)
	b := s.notices.NewBody()
	b.Para(c.T("join.ack.body", what))
	msg, err := s.composeNotice(tx, c.T("join.ack.subject", what), b.String(), nil)
	if err != nil {
		return err
	}
	_, err = enqueueFor(ctx, tx, outboundRow{from: s.NoReplyAddress(), gid: l.gid, kind: "notice"}, []string{requester}, msg)
	return err
}

// joinWhat names the list in mail to a requester. A private group's is
// named by the address the requester wrote to, not by the group's name,
// which only members know.
func (s *Store) joinWhat(l *listRow) string {
	if !l.public {
		return s.notices.T("join.ack.list", l.address)
	}
	return s.notices.T("join.ack.group", l.name, l.address)
}
