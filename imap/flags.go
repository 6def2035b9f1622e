package imap

import (
	"strings"

	goimap "github.com/emersion/go-imap/v2"

	"groupd/groups"
)

// The flag grammar (RFC 3501 §2.3.2, §9 flag): which system flags a user
// keeps per message, how STORE combines flags (§6.4.6), and which
// keywords are kept. The store keeps the resulting flags as strings
// (groups.Store.ImapStoreFlags).

// flagOp is how STORE combines flags (RFC 3501 §6.4.6).
type flagOp int

const (
	flagsSet flagOp = iota // FLAGS: replace
	flagsAdd               // +FLAGS
	flagsDel               // -FLAGS
)

// checkStoreFlags refuses what STORE may not set: \Deleted (the archive
// is read-only) and the system flags (RFC 3501 §2.3.2, "\" atom) not kept
// per user, such as \Recent.
func checkStoreFlags(flags []string) error {
	for _, f := range flags {
		if strings.EqualFold(f, `\Deleted`) {
			return errNoDeleted
		}
		if strings.HasPrefix(f, `\`) && systemFlag(f) == "" {
			return &goimap.Error{Type: goimap.StatusResponseTypeBad, Code: goimap.ResponseCodeClientBug,
				Text: "flag " + f + " cannot be set"}
		}
	}
	return nil
}

// changeFlags is the change STORE makes to one message's flags, for
// groups.Store.ImapStoreFlags.
func changeFlags(op flagOp, flags []string) func([]string) []string {
	return func(cur []string) []string { return flagSetOf(cur).apply(op, flags).list() }
}

// flagSet is one user's flags on one message.
type flagSet struct {
	seen, answered, flagged, draft bool
	keywords                       []string
}

// flagSetOf reads flags as the store lists them.
func flagSetOf(flags []string) flagSet {
	var r flagSet
	for _, f := range flags {
		switch systemFlag(f) {
		case groups.ImapSeen:
			r.seen = true
		case groups.ImapAnswered:
			r.answered = true
		case groups.ImapFlagged:
			r.flagged = true
		case groups.ImapDraft:
			r.draft = true
		default:
			r.keywords = append(r.keywords, f)
		}
	}
	return r
}

// list is the flags as the store keeps them: the system flags first.
func (r flagSet) list() []string {
	out := []string{}
	for _, x := range []struct {
		on   bool
		name string
	}{{r.seen, groups.ImapSeen}, {r.answered, groups.ImapAnswered}, {r.flagged, groups.ImapFlagged}, {r.draft, groups.ImapDraft}} {
		if x.on {
			out = append(out, x.name)
		}
	}
	return append(out, r.keywords...)
}

// systemFlag canonicalises a system flag kept per user, or "".
func systemFlag(f string) string {
	for _, s := range []string{groups.ImapSeen, groups.ImapAnswered, groups.ImapFlagged, groups.ImapDraft} {
		if strings.EqualFold(f, s) {
			return s
		}
	}
	return ""
}

// apply combines flags into r by op. Keywords compare case-insensitively
// (RFC 3501 §2.3.2) and keep their first spelling.
func (r flagSet) apply(op flagOp, flags []string) flagSet {
	kw := r.keywords
	if op == flagsSet {
		r = flagSet{}
		kw = nil
	}
	on := op != flagsDel
	for _, f := range flags {
		switch systemFlag(f) {
		case groups.ImapSeen:
			r.seen = on
		case groups.ImapAnswered:
			r.answered = on
		case groups.ImapFlagged:
			r.flagged = on
		case groups.ImapDraft:
			r.draft = on
		default:
			kw = keyword(kw, f, on)
		}
	}
	r.keywords = kw
	return r
}

// keyword sets or clears keyword f (a flag-keyword atom, RFC 3501 §9) in
// kw; at most groups.MaxImapKeywords are kept.
func keyword(kw []string, f string, on bool) []string {
	for i, k := range kw {
		if strings.EqualFold(k, f) {
			if on {
				return kw
			}
			return append(kw[:i:i], kw[i+1:]...)
		}
	}
	if on && len(kw) < groups.MaxImapKeywords && f != "" && !strings.ContainsAny(f, " \t\r\n") {
		return append(kw, f)
	}
	return kw
}
