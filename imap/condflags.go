package imap

import (
	"strconv"
	"strings"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"

	"groupd/groups"
)

// takeSelect returns the RFC 7162 parameters of the SELECT or EXAMINE
// being answered (condguard.go), nil for none.
func (s *session) takeSelect() *selectParams {
	if c := s.cond(); c != nil {
		return c.takeSelect()
	}
	return nil
}

// statusCond adds HIGHESTMODSEQ to the STATUS response being answered
// when it was asked for (RFC 7162 §3.1.6; STATUS is answered right after
// Status returns).
func (s *session) statusCond(groupID string) error {
	c := s.cond()
	if c == nil || !c.takeStatus() {
		return nil
	}
	c.condstore.Store(true) // §3.1.8: STATUS (HIGHESTMODSEQ) enables CONDSTORE
	ms, err := s.modSeqs(groupID)
	if err != nil {
		return toIMAP(err)
	}
	c.statusItem(ms.Highest)
	return nil
}

// flagChanges tells the session of flag changes the user made since it
// last looked, in another session or on another node (RFC 3501 §7.4.2,
// unsolicited FETCH; with MODSEQ under CONDSTORE, RFC 7162 §3.1.4.2 and
// §3.2.4: with UID too). Its own STOREs were answered already, and
// messages that arrived after before were announced by EXISTS.
func (s *session) flagChanges(w *imapserver.UpdateWriter, before uint32) error {
	sel := s.sel
	changed, err := s.srv.store.ImapChangedSince(s.ctx, s.actor, sel.mb.groupID, sel.known)
	if err != nil {
		return s.lost(err)
	}
	var uids []uint32
	for _, u := range changed {
		if u <= before {
			uids = append(uids, u)
		}
	}
	top := sel.known
	for len(uids) > 0 {
		n := min(len(uids), s.srv.opts.FetchBatch)
		pos := positionsOf(sel, uids[:n])
		uids = uids[n:]
		if len(pos) == 0 {
			continue
		}
		msgs, err := s.load(pos, groups.ImapNoData)
		if err != nil {
			return err
		}
		for _, p := range pos { // a range load may hold messages between them
			m := msgs[sel.uids[p]]
			if m == nil {
				continue
			}
			top = max(top, m.ModSeq)
			if m.ModSeq <= sel.known || sel.own[m.ModSeq] {
				continue
			}
			if s.condstore() {
				s.cond().fetchModSeq(uint32(p+1), m.ModSeq)
			}
			if err := w.WriteMessageFlags(uint32(p+1), goimap.UID(m.UID), toFlags(m.Flags)); err != nil {
				return err
			}
		}
	}
	sel.known = top
	for m := range sel.own {
		if m <= top {
			delete(sel.own, m)
		}
	}
	return nil
}

// positionsOf gives the positions of uids (ascending, in the mailbox).
func positionsOf(sel *selected, uids []uint32) []int {
	var out []int
	for _, u := range uids {
		if p, ok := sel.position(u); ok {
			out = append(out, p)
		}
	}
	return out
}

// ownStore records the mod-sequence of the session's own STORE, whose
// change comes back on the change feed: it was answered already.
func (sel *selected) ownStore(m uint64) {
	if m == 0 {
		return
	}
	if sel.own == nil {
		sel.own = map[uint64]bool{}
	}
	sel.own[m] = true
}

// modifiedCode is the MODIFIED response code of a conditional STORE
// (RFC 7162 §3.1.3): message numbers, or UIDs for UID STORE.
func (sel *selected) modifiedCode(uids []uint32, byUID bool) goimap.ResponseCode {
	var parts []string
	for _, u := range uids {
		if byUID {
			parts = append(parts, strconv.FormatUint(uint64(u), 10))
		} else if p, ok := sel.position(u); ok {
			parts = append(parts, strconv.Itoa(p+1))
		}
	}
	return goimap.ResponseCode("MODIFIED " + strings.Join(parts, ","))
}

// fetchCond reads what a FETCH asked of CONDSTORE and QRESYNC (the
// guard's request, condrewrite.go): the positions to answer, those
// changed since CHANGEDSINCE's value (RFC 7162 §3.1.4.1), and whether
// MODSEQ goes in each response. VANISHED (§3.2.6) writes the UIDs of the
// set that are gone, as resync does (qresync.go), before the FETCHes.
func (s *session) fetchCond(numSet goimap.NumSet, options *goimap.FetchOptions) ([]int, bool, error) {
	sel := s.sel
	pos := sel.indices(numSet)
	if s.guard == nil {
		return pos, false, nil
	}
	req := s.guard.ext.takeFetch(options)
	if req == nil {
		return pos, false, nil
	}
	if req.lost {
		return nil, false, errLostReq
	}
	if req.vanished && !s.cond().qresync.Load() {
		return nil, false, &goimap.Error{Type: goimap.StatusResponseTypeBad, Code: goimap.ResponseCodeClientBug,
			Text: "VANISHED needs ENABLE QRESYNC first (RFC 7162 §3.2.6)"}
	}
	if req.modseq {
		s.enableCondstore() // §3.1.8
	}
	if !req.hasChanged || sel.mb.groupID == "" {
		return pos, req.modseq, nil
	}
	if set, ok := numSet.(goimap.UIDSet); ok && req.vanished { // UID FETCH only (the guard checks)
		if err := s.writeVanished(set, req.changedSince); err != nil {
			return nil, false, err
		}
	}
	changed, err := s.srv.store.ImapChangedSince(s.ctx, s.actor, sel.mb.groupID, req.changedSince)
	if err != nil {
		return nil, false, s.lost(err)
	}
	is := make(map[uint32]bool, len(changed))
	for _, u := range changed {
		is[u] = true
	}
	var out []int
	for _, p := range pos {
		if is[sel.uids[p]] {
			out = append(out, p)
		}
	}
	return out, true, nil
}

// writeVanished answers UID FETCH … (CHANGEDSINCE m VANISHED) with the
// UIDs of set that are gone since m (RFC 7162 §3.2.6), as far as the
// store knows: those missing, when a purge came after m.
func (s *session) writeVanished(set goimap.UIDSet, since uint64) error {
	sel := s.sel
	ms, err := s.modSeqs(sel.mb.groupID)
	if err != nil {
		return s.lost(err)
	}
	if ms.Purged <= since {
		return nil
	}
	top := ms.LastUID // "*": the last UID, also when its message is gone
	if n := len(sel.uids); n > 0 {
		top = max(top, sel.uids[n-1])
	}
	var rs []uidRange
	for _, r := range set {
		lo, hi := uint32(r.Start), uint32(r.Stop)
		if r.Stop == 0 {
			hi = top
		}
		lo, hi = min(lo, hi), max(lo, hi)
		if lo > 0 {
			rs = append(rs, uidRange{lo, hi})
		}
	}
	gone := missing(rs, sel.uids)
	if gone == "" {
		return nil
	}
	_, err = s.guard.Write([]byte("* VANISHED (EARLIER) " + gone + "\r\n"))
	return err
}
