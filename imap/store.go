package imap

import (
	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
)

// Store answers STORE and UID STORE (RFC 3501 §6.4.6) on the user's own
// flags; other members never see them. EXAMINE makes it NO, \Deleted too.
func (s *session) Store(w *imapserver.FetchWriter, numSet goimap.NumSet, flags *goimap.StoreFlags, options *goimap.StoreOptions) error {
	if err := s.checkSelected(); err != nil {
		return err
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
	pos := sel.indices(numSet)
	uids := make([]uint32, len(pos))
	for i, p := range pos {
		uids[i] = sel.uids[p]
	}
	got, err := s.srv.store.ImapStoreFlags(s.ctx, s.actor, sel.mb.groupID, uids, changeFlags(op, fromFlags(flags.Flags)))
	if err != nil {
		return s.lost(err)
	}
	if flags.Silent {
		return nil
	}
	defer s.gathered()()
	for _, p := range pos {
		f, ok := got[sel.uids[p]]
		if !ok {
			continue
		}
		rw := w.CreateMessage(uint32(p + 1))
		rw.WriteUID(goimap.UID(sel.uids[p]))
		rw.WriteFlags(toFlags(f))
		if err := rw.Close(); err != nil {
			return err
		}
	}
	return nil
}
