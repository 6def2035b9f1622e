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
		replyTo := &mail.Address{Name: r.Name, Address: r.Address}
		if err := s.noticeMasters(ctx, tx, l.gid, s.joinNotice(l, rid, r), replyTo); err != nil {
			return err
		}
		if !r.Verified {
			return nil
		}
		return s.tellRequester(ctx, tx, l, r.Address, JoinAcknowledged, "")
	})
}

// joinNotice is the masters' notice of join request rid: who asks,
// their words, and where a master can decide.
func (s *Store) joinNotice(l *listRow, rid int64, r JoinMail) JoinRequestNotice {
	n := JoinRequestNotice{Group: l.name, List: l.address, From: Person{Name: r.Name, Email: r.Address},
		Subject: r.Subject, Text: r.Text, Truncated: r.Truncated, Verified: r.Verified,
		API: "/api/v1/groups/" + l.id + "/requests/" + strconv.FormatInt(rid, 10)}
	if base := s.opts.PublicURL; base != "" {
		n.Console = base + "/g/" + l.id + "/requests"
	}
	return n
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
