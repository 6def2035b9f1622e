package imap

import (
	"bufio"
	"bytes"
	"cmp"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	gomessage "github.com/emersion/go-message"
	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-message/textproto"

	"groupd/groups"
)

// SORT (RFC 5256 §3): the search's hits ordered by the criteria, ties in
// mailbox order. The guard hands the command to Search (sortcmd.go).

// sortKey is one sort criterion (RFC 5256 §3, sort-key).
type sortKey struct {
	field   string // ARRIVAL, CC, DATE, FROM, SIZE, SUBJECT, TO
	reverse bool
}

// parseSortKeys reads the criteria: REVERSE applies to the key after it.
func parseSortKeys(words []string) ([]sortKey, string) {
	var keys []sortKey
	reverse := false
	for _, w := range words {
		switch w = strings.ToUpper(w); w {
		case "REVERSE":
			if reverse {
				return nil, "REVERSE REVERSE is not a sort key (RFC 5256 §3)"
			}
			reverse = true
		case "ARRIVAL", "CC", "DATE", "FROM", "SIZE", "SUBJECT", "TO":
			keys = append(keys, sortKey{field: w, reverse: reverse})
			reverse = false
		default:
			return nil, "Unknown sort key " + strconv.Quote(w) + " (RFC 5256 §3: ARRIVAL CC DATE FROM REVERSE SIZE SUBJECT TO)"
		}
	}
	if reverse || len(keys) == 0 {
		return nil, "SORT needs at least one sort key, and REVERSE one after it (RFC 5256 §3)"
	}
	return keys, ""
}

// extAnswer writes what a rewritten command asked for and returns the
// OK that go-imap sends as the command's tagged answer.
func (s *session) extAnswer(kind imapserver.NumKind, hits []int, req *extReq) error {
	var line string
	switch req.kind {
	case extSort:
		infos, err := s.infos(hits)
		if err != nil {
			return err
		}
		line = "* SORT" + sortLine(kind, sortInfos(infos, req.keys))
	case extThread:
		infos, err := s.infos(hits)
		if err != nil {
			return err
		}
		line = "* THREAD " + writeThreads(kind, threads(infos, req.algo))
	case extSave:
		return &goimap.Error{Type: goimap.StatusResponseTypeOK, Text: req.name + " completed, result saved"}
	}
	if s.guard == nil {
		return errors.New("imap: no command guard to answer " + req.name)
	}
	if _, err := s.guard.Write([]byte(strings.TrimRight(line, " ") + "\r\n")); err != nil {
		return err
	}
	return &goimap.Error{Type: goimap.StatusResponseTypeOK, Text: req.name + " completed"}
}

// sortInfos orders the messages by keys (RFC 5256 §2.2, §3): strings by
// i;ascii-casemap, ties in mailbox order.
func sortInfos(infos []*msgInfo, keys []sortKey) []*msgInfo {
	slices.SortStableFunc(infos, func(a, b *msgInfo) int {
		for _, k := range keys {
			c := compareKey(a, b, k.field)
			if k.reverse {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return cmp.Compare(a.pos, b.pos)
	})
	return infos
}

// compareKey compares two messages by one sort key (RFC 5256 §3).
func compareKey(a, b *msgInfo, field string) int {
	switch field {
	case "ARRIVAL":
		return a.received.Compare(b.received)
	case "DATE":
		return a.sent.Compare(b.sent)
	case "SIZE":
		return cmp.Compare(a.size, b.size)
	case "SUBJECT":
		return cmp.Compare(casemap(a.base), casemap(b.base))
	case "FROM":
		return cmp.Compare(casemap(firstMailbox(a.env.From)), casemap(firstMailbox(b.env.From)))
	case "TO":
		return cmp.Compare(casemap(firstMailbox(a.env.To)), casemap(firstMailbox(b.env.To)))
	case "CC":
		return cmp.Compare(casemap(firstMailbox(a.env.Cc)), casemap(firstMailbox(b.env.Cc)))
	}
	return 0
}

// firstMailbox is the addr-mailbox of the first address (RFC 5256 §3).
func firstMailbox(list []goimap.Address) string {
	if len(list) == 0 {
		return ""
	}
	return list[0].Mailbox
}

// casemap is the i;ascii-casemap collation key (RFC 4790 §9.2): ASCII
// letters upper-cased, other bytes as they are.
func casemap(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' {
			return r - 'a' + 'A'
		}
		return r
	}, s)
}

// sortLine writes the numbers of a SORT response (RFC 5256 §4), each
// after a space.
func sortLine(kind imapserver.NumKind, infos []*msgInfo) string {
	var b strings.Builder
	for _, m := range infos {
		b.WriteByte(' ')
		b.WriteString(strconv.FormatUint(uint64(m.num(kind)), 10))
	}
	return b.String()
}

// msgInfo is what SORT and THREAD look at in one message (RFC 5256).
type msgInfo struct {
	pos      int // in sel.uids: the sequence number is pos+1
	uid      uint32
	received time.Time // INTERNALDATE (ARRIVAL)
	sent     time.Time // Date:, or INTERNALDATE without one (§2.2), UTC
	size     int64
	env      *goimap.Envelope
	base     string   // base subject (§2.1)
	reply    bool     // the subject had Re:, Fwd: or (fwd) (§2.1)
	msgID    string   // Message-ID without <>, "" if none
	refs     []string // References, or In-Reply-To without them (§3)
}

func (m *msgInfo) num(kind imapserver.NumKind) uint32 {
	if kind == imapserver.NumKindUID {
		return m.uid
	}
	return uint32(m.pos + 1)
}

// infos loads the headers of the messages at positions hits.
func (s *session) infos(hits []int) ([]*msgInfo, error) {
	out := make([]*msgInfo, 0, len(hits))
	for _, b := range batches(hits, s.srv.opts.FetchBatch) {
		msgs, err := s.load(b, groups.ImapHeader)
		if err != nil {
			return nil, err
		}
		for _, p := range b {
			if m := msgs[s.sel.uids[p]]; m != nil {
				out = append(out, newMsgInfo(p, m))
			}
		}
	}
	return out, nil
}

// newMsgInfo reads m's header.
func newMsgInfo(pos int, m *groups.ImapMessage) *msgInfo {
	info := &msgInfo{pos: pos, uid: m.UID, received: m.Received.UTC(), size: m.Size, env: envelope(m.Data)}
	info.sent = info.env.Date.UTC()
	if info.env.Date.IsZero() {
		info.sent = info.received
	}
	info.base, info.reply = baseSubject(info.env.Subject)
	info.msgID = info.env.MessageID
	h, err := textproto.ReadHeader(bufio.NewReader(bytes.NewReader(m.Data)))
	if err == nil {
		mh := mail.Header{Header: gomessage.Header{Header: h}}
		info.refs, _ = mh.MsgIDList("References")
	}
	if len(info.refs) == 0 && len(info.env.InReplyTo) > 0 {
		info.refs = info.env.InReplyTo[:1] // the first valid one (§3, REFERENCES 1A)
	}
	return info
}
