package imap

import (
	"errors"
	"time"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"

	"groupd/groups"
)

// selected is the state of the selected mailbox (RFC 3501 §3.3).
type selected struct {
	mb       mailbox
	readOnly bool
	validity uint32
	uids     []uint32 // sequence number n is uids[n-1]; only grows
	watch    *watch   // nil for INBOX
	checked  time.Time
	saved    []uint32        // the SEARCH result "$" names, UIDs ascending (searchres.go)
	known    uint64          // flag changes up to this mod-sequence are told (condflags.go)
	own      map[uint64]bool // mod-sequences of this session's own STOREs since
}

// recheckEvery bounds how stale a session's view may get should the change
// feed ever drop a change.
const recheckEvery = 30 * time.Second

// Flags we keep (RFC 3501 §7.1, PERMANENTFLAGS); \* allows keywords.
var (
	mailboxFlags   = []goimap.Flag{goimap.FlagSeen, goimap.FlagAnswered, goimap.FlagFlagged, goimap.FlagDraft}
	permanentFlags = []goimap.Flag{goimap.FlagSeen, goimap.FlagAnswered, goimap.FlagFlagged, goimap.FlagDraft, goimap.FlagWildcard}
)

// Select opens a mailbox (RFC 3501 §6.3.1, §6.3.2 for EXAMINE).
func (s *session) Select(name string, options *goimap.SelectOptions) (*goimap.SelectData, error) {
	s.unselect()
	mb, err := s.resolve(name)
	if err != nil {
		return nil, err
	}
	sel := &selected{mb: mb, readOnly: options.ReadOnly, validity: 1, checked: time.Now()}
	data := &goimap.SelectData{Flags: mailboxFlags, PermanentFlags: permanentFlags, UIDValidity: 1, UIDNext: 1}
	if options.ReadOnly {
		data.PermanentFlags = []goimap.Flag{}
	}
	params := s.takeSelect()
	ms := groups.ImapModSeqs{Highest: 1} // INBOX: empty, never changes
	if mb.groupID != "" {
		// Watch first, so that no post between the two goes unannounced;
		// mod-sequences before UIDs, so that none counted is unseen.
		sel.watch = s.srv.hub.add(mb.groupID, s.email)
		ms, err = s.modSeqs(mb.groupID)
		var info *groups.ImapMailbox
		if err == nil {
			info, err = s.srv.store.ImapOpen(s.ctx, s.actor, mb.groupID)
		}
		if err == nil {
			sel.uids, _, err = s.srv.store.ImapUIDsAfter(s.ctx, s.actor, mb.groupID, 0)
		}
		if err != nil {
			s.srv.hub.remove(sel.watch)
			return nil, toIMAP(err)
		}
		sel.validity = info.UIDValidity
		data.UIDValidity, data.UIDNext = info.UIDValidity, goimap.UID(info.UIDNext)
		if n := len(sel.uids); n > 0 && goimap.UID(sel.uids[n-1]) >= data.UIDNext {
			data.UIDNext = goimap.UID(sel.uids[n-1] + 1)
		}
	}
	data.NumMessages = uint32(len(sel.uids))
	sel.known = ms.Highest
	if err := s.selectCond(sel, params, ms, uint32(data.UIDNext)); err != nil {
		if sel.watch != nil {
			s.srv.hub.remove(sel.watch)
		}
		return nil, err
	}
	s.sel = sel
	return data, nil
}

func (s *session) Unselect() error {
	s.unselect()
	return nil
}

func (s *session) unselect() {
	if s.sel != nil && s.sel.watch != nil {
		s.srv.hub.remove(s.sel.watch)
	}
	s.sel = nil
}

// Poll runs after every command (RFC 3501 §7: untagged updates). New posts
// are announced with EXISTS; lost access ends the session. It asks the
// store every time (one indexed query) rather than waiting for the change
// feed, which arrives a moment after the change is committed: a member
// removed, a feature switched off or a group deleted is told at the very
// next command (SPEC §1, "at once").
func (s *session) Poll(w *imapserver.UpdateWriter, allowExpunge bool) error {
	return s.refresh(w, true, allowExpunge)
}

// Idle announces new posts as they come (RFC 2177) and ends the session
// when access is lost.
func (s *session) Idle(w *imapserver.UpdateWriter, stop <-chan struct{}) error {
	if s.sel == nil || s.sel.watch == nil {
		<-stop
		return nil
	}
	tick := time.NewTicker(recheckEvery)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return nil
		case <-s.sel.watch.wake:
			if err := s.refresh(w, false, true); err != nil {
				return err
			}
		case <-tick.C:
			if err := s.refresh(w, true, true); err != nil {
				return err
			}
		}
	}
}

// refresh applies what the hub flagged: purge or lost access → BYE (a
// purge: VANISHED after ENABLE QRESYNC, condpurge.go); new posts →
// EXISTS. force re-checks everything. allowExpunge is false during
// FETCH, STORE and SEARCH (RFC 3501 §7.4.1).
func (s *session) refresh(w *imapserver.UpdateWriter, force, allowExpunge bool) error {
	sel := s.sel
	if sel == nil || sel.watch == nil {
		return nil
	}
	if sel.watch.purged.Load() {
		return s.purged(w, allowExpunge)
	}
	stale := time.Since(sel.checked) > recheckEvery
	if stale {
		force = true
	}
	dirty := sel.watch.dirty.Swap(false)
	fresh := sel.watch.fresh.Swap(false)
	flags := sel.watch.flags.Swap(false)
	if !dirty && !fresh && !flags && !force {
		return nil
	}
	sel.checked = time.Now()
	var last uint32
	if n := len(sel.uids); n > 0 {
		last = sel.uids[n-1]
	}
	more, kept, err := s.srv.store.ImapUIDsAfter(s.ctx, s.actor, sel.mb.groupID, last)
	if err != nil {
		return s.lost(err)
	}
	if !kept { // only a purge removes archived posts
		return s.purged(w, allowExpunge)
	}
	if len(more) > 0 {
		sel.uids = append(sel.uids, more...)
		if err := w.WriteNumMessages(uint32(len(sel.uids))); err != nil {
			return err
		}
	}
	if flags || stale { // flag changes come by the feed, not at every command
		return s.flagChanges(w, last)
	}
	return nil
}

// lost turns a store error met while a mailbox is selected into BYE when
// it means the user may no longer read it (SPEC §1: removal takes effect at
// once); other errors pass through as NO.
func (s *session) lost(err error) error {
	if !lostAccess(err) {
		return toIMAP(err)
	}
	return s.bye("You can no longer read this mailbox: " + groups.Message(err))
}

// bye ends the session (RFC 3501 §7.1.5) and returns an error so that the
// library stops serving it.
func (s *session) bye(text string) error {
	s.log.Info("session ended", "reason", text)
	s.conn.Bye(text)
	return &goimap.Error{Type: goimap.StatusResponseTypeNo, Text: text}
}

// checkSelected is called first by every selected-state command.
func (s *session) checkSelected() error {
	if s.sel == nil {
		return errors.New("imap: no mailbox selected")
	}
	if s.sel.watch != nil && s.sel.watch.purged.Load() && !s.qresync() {
		return s.bye(purgedBye)
	}
	return nil
}
