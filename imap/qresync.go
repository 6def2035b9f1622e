package imap

import (
	"sort"
	"strconv"
	"strings"

	goimap "github.com/emersion/go-imap/v2"

	"groupd/groups"
)

// The session's side of CONDSTORE and QRESYNC (RFC 7162; the store keeps
// the mod-sequences, groups/imap_modseq.go). A purge ends the sessions
// that have the group selected, as before (select.go); the next SELECT
// … (QRESYNC …) reports what it removed as VANISHED (EARLIER).

// cond is the connection's CONDSTORE state, nil without a guard.
func (s *session) cond() *condState {
	if s.guard == nil {
		return nil
	}
	return s.guard.cond
}

// condstore reports whether CONDSTORE is on for the connection.
func (s *session) condstore() bool {
	c := s.cond()
	return c != nil && c.condstore.Load()
}

// enableCondstore follows a CONDSTORE-enabling command (§3.1.8).
func (s *session) enableCondstore() {
	if c := s.cond(); c != nil {
		c.condstore.Store(true)
	}
}

// modSeqs is the user's HIGHESTMODSEQ of a mailbox (1 for the empty
// INBOX, which never changes).
func (s *session) modSeqs(groupID string) (groups.ImapModSeqs, error) {
	if groupID == "" {
		return groups.ImapModSeqs{Highest: 1}, nil
	}
	return s.srv.store.ImapModSeqs(s.ctx, s.actor, groupID)
}

// selectCond writes what SELECT and EXAMINE add under CONDSTORE: the
// HIGHESTMODSEQ response code (§3.1.2.1) and, for QRESYNC with the
// mailbox's UIDVALIDITY (§3.2.5), VANISHED (EARLIER) and a FETCH of each
// message changed since the client's mod-sequence; the guard writes them
// before the tagged OK. ms was read before sel.uids, so that nothing
// counted in it is missing from them.
func (s *session) selectCond(sel *selected, p *selectParams, ms groups.ImapModSeqs, uidNext uint32) error {
	c := s.cond()
	if c == nil {
		return nil
	}
	if p != nil {
		c.condstore.Store(true) // (CONDSTORE) enables it; QRESYNC was enabled
	}
	if !c.condstore.Load() {
		return nil
	}
	var b strings.Builder
	b.WriteString("* OK [HIGHESTMODSEQ " + strconv.FormatUint(ms.Highest, 10) + "] Highest\r\n")
	if p != nil && p.qresync && p.validity == sel.validity && sel.mb.groupID != "" {
		if err := s.resync(&b, sel, p, ms, uidNext); err != nil {
			return err
		}
	}
	c.beforeTagged(b.String())
	return nil
}

// resync writes the QRESYNC answer (§3.2.5.1): for known-uids (without
// them 1:UIDNEXT-1), the UIDs that are gone, when a purge came after the
// client's mod-sequence, then the messages changed since it. The store
// keeps no list of removed UIDs, only the last purge's mod-sequence, so
// every UID of that range not in the mailbox now is reported: §3.2.5.1
// makes this UID FETCH known-uids (FLAGS) (CHANGEDSINCE m VANISHED), and
// §3.2.6 tells a server given a mod-sequence older than the expunges it
// remembers to report all expunged messages of the set. Every UID below
// UIDNEXT was a message once (UIDs are taken with the post that gets
// them), so none is reported that never existed. seq-match-data
// (§3.2.5.2) only narrows that report; it is read and not used.
func (s *session) resync(b *strings.Builder, sel *selected, p *selectParams, ms groups.ImapModSeqs, uidNext uint32) error {
	known := []uidRange{{1, uidNext - 1}}
	if p.known != "" {
		var ok bool
		if known, ok = parseUIDRanges(p.known, uidNext-1); !ok {
			return &goimap.Error{Type: goimap.StatusResponseTypeBad, Code: goimap.ResponseCodeClientBug,
				Text: "known-uids is not a UID set (RFC 7162 §3.2.5)"}
		}
	}
	if ms.Purged > p.modseq {
		if gone := missing(known, sel.uids); gone != "" {
			b.WriteString("* VANISHED (EARLIER) " + gone + "\r\n")
		}
	}
	changed, err := s.srv.store.ImapChangedSince(s.ctx, s.actor, sel.mb.groupID, p.modseq)
	if err != nil {
		return s.lost(err)
	}
	var uids []uint32
	for _, u := range changed {
		if inRanges(known, u) {
			uids = append(uids, u)
		}
	}
	return s.fetchLines(b, sel, uids)
}

// fetchLines writes "* n FETCH (UID u FLAGS (…) MODSEQ (m))" for each of
// uids (ascending) in the mailbox, a batch of messages per query.
func (s *session) fetchLines(b *strings.Builder, sel *selected, uids []uint32) error {
	for len(uids) > 0 {
		n := min(len(uids), s.srv.opts.FetchBatch)
		batch := uids[:n]
		uids = uids[n:]
		msgs, err := s.srv.store.ImapMessages(s.ctx, s.actor, sel.mb.groupID,
			groups.ImapQuery{Min: batch[0], Max: batch[n-1], UIDs: batch, Limit: n})
		if err != nil {
			return s.lost(err)
		}
		for _, m := range msgs {
			pos, ok := sel.position(m.UID)
			if !ok {
				continue
			}
			b.WriteString("* " + strconv.Itoa(pos+1) + " FETCH (UID " + strconv.FormatUint(uint64(m.UID), 10) +
				" FLAGS (" + strings.Join(m.Flags, " ") + ") MODSEQ (" + strconv.FormatUint(m.ModSeq, 10) + "))\r\n")
		}
	}
	return nil
}

// position finds a UID's message position.
func (sel *selected) position(uid uint32) (int, bool) { return positionIn(sel.uids, uid) }

// positionIn finds uid in uids (ascending).
func positionIn(uids []uint32, uid uint32) (int, bool) {
	i := sort.Search(len(uids), func(i int) bool { return uids[i] >= uid })
	return i, i < len(uids) && uids[i] == uid
}

// uidRange is an inclusive range of UIDs.
type uidRange struct{ lo, hi uint32 }

// parseUIDRanges reads a UID set ("1:5,7,9:*"; * is top), ranges
// clipped to top.
func parseUIDRanges(set string, top uint32) ([]uidRange, bool) {
	var out []uidRange
	num := func(s string) (uint32, bool) {
		if s == "*" {
			return top, true
		}
		n, err := strconv.ParseUint(s, 10, 32)
		return uint32(n), err == nil && n > 0
	}
	for _, part := range strings.Split(set, ",") {
		a, b, isRange := strings.Cut(part, ":")
		lo, ok1 := num(a)
		hi, ok2 := lo, true
		if isRange {
			hi, ok2 = num(b)
		}
		if !ok1 || !ok2 {
			return nil, false
		}
		lo, hi = min(lo, hi), min(max(lo, hi), top)
		if lo <= hi {
			out = append(out, uidRange{lo, hi})
		}
	}
	return out, true
}

func inRanges(rs []uidRange, u uint32) bool {
	for _, r := range rs {
		if u >= r.lo && u <= r.hi {
			return true
		}
	}
	return false
}

// missing lists, as a UID set, the UIDs of rs that are not in have
// (ascending); "" for none. Ranges stay ranges: a purged mailbox of
// 10,000 messages is one "1:10000".
func missing(rs []uidRange, have []uint32) string {
	var set goimap.UIDSet
	for _, r := range rs {
		next := r.lo
		i := sort.Search(len(have), func(i int) bool { return have[i] >= r.lo })
		for ; i < len(have) && have[i] <= r.hi; i++ {
			if have[i] > next {
				set.AddRange(goimap.UID(next), goimap.UID(have[i]-1))
			}
			next = have[i] + 1
		}
		if next <= r.hi && next != 0 {
			set.AddRange(goimap.UID(next), goimap.UID(r.hi))
		}
	}
	if len(set) == 0 {
		return ""
	}
	return set.String()
}
