package imap

import (
	"strings"
	"unicode"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"

	"groupd/groups"
)

// The hierarchy (RFC 3501 §5.1.1): INBOX, and "Groups/<group name>".
const (
	delim      = '/'
	inbox      = "INBOX"
	groupsRoot = "Groups"
)

// mailbox is a name the user can select.
type mailbox struct {
	name    string // full IMAP name, UTF-8
	groupID string // "" for INBOX
}

// mailboxes lists the user's mailboxes: INBOX, then one per group whose
// archive they may read (asked of the store each time, so a lost
// membership vanishes at once). Names that would collide get the group id.
func (s *session) mailboxes() ([]mailbox, error) {
	mbs, err := s.srv.store.ImapMailboxes(s.ctx, s.actor)
	if err != nil {
		return nil, toIMAP(err)
	}
	count := map[string]int{}
	for _, mb := range mbs {
		count[strings.ToLower(cleanName(mb.Name, mb.GroupID))]++
	}
	out := []mailbox{{name: inbox}}
	for _, mb := range mbs {
		n := cleanName(mb.Name, mb.GroupID)
		if count[strings.ToLower(n)] > 1 {
			n += " (" + mb.GroupID + ")"
		}
		out = append(out, mailbox{name: groupsRoot + string(delim) + n, groupID: mb.GroupID})
	}
	return out, nil
}

// cleanName makes a group name one mailbox level: the delimiter becomes
// U+2215 (∕) and control characters spaces; any script stays as is (the
// library encodes it as modified UTF-7, RFC 3501 §5.1.3, or sends UTF-8
// after ENABLE UTF8=ACCEPT, RFC 6855). "&" becomes U+FF06 (＆): go-imap
// v2.0.0-beta.8 sends "&" as "&-" even in UTF-8 mode, where RFC 6855 §3
// has raw UTF-8 and clients such as Thunderbird would show "R&-D".
func cleanName(name, id string) string {
	name = strings.Map(func(r rune) rune {
		switch {
		case r == delim:
			return '∕'
		case r == '&':
			return '＆'
		case unicode.IsControl(r):
			return ' '
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if name == "" {
		return id
	}
	return name
}

// fullwidthAmp maps "&" in a name a client sent to "＆", as cleanName
// does, so that a name cached before that change, or typed with "&",
// still finds its mailbox.
func fullwidthAmp(name string) string { return strings.ReplaceAll(name, "&", "＆") }

// resolve finds the mailbox with the given name (INBOX case-insensitive,
// others exact, RFC 3501 §5.1).
func (s *session) resolve(name string) (mailbox, error) {
	name = fullwidthAmp(name)
	if strings.EqualFold(name, inbox) {
		return mailbox{name: inbox}, nil
	}
	if strings.TrimSuffix(name, string(delim)) == groupsRoot {
		return mailbox{}, errNoSelect
	}
	list, err := s.mailboxes()
	if err != nil {
		return mailbox{}, err
	}
	for _, mb := range list {
		if mb.name == name {
			return mb, nil
		}
	}
	return mailbox{}, errNoMailbox
}

// List answers LIST and LSUB (RFC 3501 §6.3.8, §6.3.9). Every mailbox is
// subscribed.
func (s *session) List(w *imapserver.ListWriter, ref string, patterns []string, options *goimap.ListOptions) error {
	if len(patterns) == 0 || (len(patterns) == 1 && patterns[0] == "") {
		// The hierarchy delimiter and root name.
		return w.WriteList(&goimap.ListData{Attrs: []goimap.MailboxAttr{goimap.MailboxAttrNoSelect}, Delim: delim})
	}
	if options.SelectSpecialUse {
		return nil // no mailbox has a special use (RFC 6154 §3)
	}
	list, err := s.mailboxes()
	if err != nil {
		return err
	}
	var matched []*goimap.ListData
	for _, e := range listEntries(list, options) {
		for _, p := range patterns {
			if matches(e.Mailbox, fullwidthAmp(ref), fullwidthAmp(p)) {
				matched = append(matched, e)
				break
			}
		}
	}
	if options.ReturnStatus != nil {
		if err := s.listStatus(matched, list, options.ReturnStatus); err != nil {
			return err
		}
	}
	for _, e := range matched {
		if err := w.WriteList(e); err != nil {
			return err
		}
	}
	return nil
}

func listEntries(list []mailbox, options *goimap.ListOptions) []*goimap.ListData {
	sub := options.SelectSubscribed || options.ReturnSubscribed
	attrs := func(a ...goimap.MailboxAttr) []goimap.MailboxAttr {
		if sub {
			a = append(a, goimap.MailboxAttrSubscribed)
		}
		return a
	}
	var out []*goimap.ListData
	rootKids := goimap.MailboxAttrHasNoChildren
	if len(list) > 1 {
		rootKids = goimap.MailboxAttrHasChildren
	}
	for _, mb := range list {
		out = append(out, &goimap.ListData{Attrs: attrs(goimap.MailboxAttrHasNoChildren), Delim: delim, Mailbox: mb.name})
		if mb.name == inbox {
			out = append(out, &goimap.ListData{Attrs: attrs(goimap.MailboxAttrNoSelect, rootKids), Delim: delim, Mailbox: groupsRoot})
		}
	}
	return out
}

func matches(name, ref, pattern string) bool {
	if name == inbox && strings.EqualFold(ref+pattern, inbox) {
		return true
	}
	return imapserver.MatchList(name, delim, ref, pattern)
}

// Status answers STATUS (RFC 3501 §6.3.10).
func (s *session) Status(name string, options *goimap.StatusOptions) (*goimap.StatusData, error) {
	mb, err := s.resolve(name)
	if err != nil {
		return nil, err
	}
	info := &groups.ImapMailbox{UIDValidity: 1, UIDNext: 1}
	if mb.groupID != "" {
		if info, err = s.srv.store.ImapOpen(s.ctx, s.actor, mb.groupID); err != nil {
			return nil, toIMAP(err)
		}
	}
	if err := s.statusCond(mb.groupID); err != nil {
		return nil, err
	}
	return statusData(mb.name, info, options), nil
}

// statusData is the STATUS answer for a mailbox's counts, with the items
// asked for.
func statusData(name string, info *groups.ImapMailbox, options *goimap.StatusOptions) *goimap.StatusData {
	data := &goimap.StatusData{Mailbox: name, UIDValidity: info.UIDValidity, UIDNext: goimap.UID(info.UIDNext),
		HighestModSeq: info.HighestModSeq}
	n, unseen, size, zero := info.Messages, info.Unseen, info.Size, uint32(0)
	if options.NumMessages {
		data.NumMessages = &n
	}
	if options.NumUnseen {
		data.NumUnseen = &unseen
	}
	if options.Size {
		data.Size = &size
	}
	if options.NumRecent {
		data.NumRecent = &zero
	}
	if options.NumDeleted {
		data.NumDeleted = &zero
	}
	return data
}

// listStatus fills the STATUS data of the selectable mailboxes a LIST
// RETURN (STATUS (…)) matched (RFC 5819 §2: none for \NoSelect), asking
// the store once for all the groups (groups.Store.ImapStatuses): a user
// in many groups gets every count in one round trip. A group whose access
// was lost since the list was made gets no STATUS.
func (s *session) listStatus(matched []*goimap.ListData, list []mailbox, options *goimap.StatusOptions) error {
	byName := map[string]string{}
	var ids []string
	for _, mb := range list {
		byName[mb.name] = mb.groupID
	}
	for _, e := range matched {
		if id := byName[e.Mailbox]; id != "" {
			ids = append(ids, id)
		}
	}
	counts, err := s.srv.store.ImapStatuses(s.ctx, s.actor, ids)
	if err != nil {
		return toIMAP(err)
	}
	modseq := s.cond() != nil && s.cond().takeStatus()
	for _, e := range matched {
		id, ok := byName[e.Mailbox]
		switch {
		case !ok: // "Groups": \NoSelect
		case id == "":
			e.Status = statusData(e.Mailbox, &groups.ImapMailbox{UIDValidity: 1, UIDNext: 1, HighestModSeq: 1}, options)
		default:
			if c, ok := counts[id]; ok {
				e.Status = statusData(e.Mailbox, &c, options)
			}
		}
		if modseq && e.Status != nil {
			// go-imap writes the STATUS lines in this order (RFC 7162 §3.1.6).
			s.enableCondstore()
			s.cond().statusItem(e.Status.HighestModSeq)
		}
	}
	return nil
}
