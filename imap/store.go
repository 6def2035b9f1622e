package imap

import (
	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"

	"groupd/groups"
)

// Store answers STORE and UID STORE (RFC 3501 §6.4.6) on the user's own
// flags; other members never see them. EXAMINE makes it NO, \Deleted too.
// UNCHANGEDSINCE (RFC 7162 §3.1.3) leaves alone the messages changed
// after it and names them in the MODIFIED response code; under CONDSTORE
// each response has MODSEQ, and .SILENT still answers a FETCH (MODSEQ)
// for each message changed (§3.1.3, example of .SILENT with
// UNCHANGEDSINCE).
func (s *session) Store(w *imapserver.FetchWriter, numSet goimap.NumSet, flags *goimap.StoreFlags, options *goimap.StoreOptions) error {
	if err := s.checkSelected(); err != nil {
		return err
	}
	var req *condReq
	if s.guard != nil {
		req = s.guard.ext.takeStore(flags)
	}
	if req != nil && req.lost {
		return errLostReq
	}
	sel := s.sel
	if sel.readOnly {
		return errExamine
	}
	if sel.mb.groupID == "" {
		return nil // INBOX is empty
	}
	if err := checkStoreFlags(fromFlags(flags.Flags)); err != nil {
		return err
	}
	op := flagsSet
	switch flags.Op {
	case goimap.StoreFlagsAdd:
		op = flagsAdd
	case goimap.StoreFlagsDel:
		op = flagsDel
	}
	var cond groups.ImapStoreOptions
	if req != nil && req.hasUnchanged {
		s.enableCondstore() // §3.1.8
		cond = groups.ImapStoreOptions{UnchangedSince: req.unchanged, Check: true}
	}
	pos := sel.indices(numSet)
	uids := sel.uidsAt(pos)
	res, err := s.srv.store.ImapStoreFlagsIf(s.ctx, s.actor, sel.mb.groupID, uids, cond, changeFlags(op, fromFlags(flags.Flags)))
	if err != nil {
		return s.lost(err)
	}
	changed := map[uint32]bool{}
	for _, u := range res.Changed {
		changed[u] = true
		sel.ownStore(res.ModSeq[u])
	}
	if err := s.storeAnswer(w, pos, res, changed, flags.Silent); err != nil {
		return err
	}
	if len(res.Modified) > 0 {
		_, byUID := numSet.(goimap.UIDSet)
		return &goimap.Error{Type: goimap.StatusResponseTypeOK, Code: sel.modifiedCode(res.Modified, byUID),
			Text: "Conditional STORE failed"}
	}
	return nil
}

// storeAnswer writes the FETCH responses of a STORE: the new flags of each
// message not refused; under .SILENT none, but under CONDSTORE the
// MODSEQ of each message changed.
func (s *session) storeAnswer(w *imapserver.FetchWriter, pos []int, res *groups.ImapStoreResult, changed map[uint32]bool, silent bool) error {
	sel := s.sel
	modseq := s.condstore()
	if silent && !modseq {
		return nil
	}
	defer s.gathered()()
	for _, p := range pos {
		uid := sel.uids[p]
		f, ok := res.Flags[uid]
		if !ok || (silent && !changed[uid]) {
			continue
		}
		if modseq {
			s.cond().fetchModSeq(uint32(p+1), res.ModSeq[uid])
		}
		rw := w.CreateMessage(uint32(p + 1))
		rw.WriteUID(goimap.UID(uid))
		if !silent {
			rw.WriteFlags(toFlags(f))
		}
		if err := rw.Close(); err != nil {
			return err
		}
	}
	return nil
}
