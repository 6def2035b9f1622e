package imap

import (
	"github.com/emersion/go-imap/v2/imapserver"
)

// purgedBye ends a session whose selected archive was purged.
const purgedBye = "The archive of this group was purged; log in again to see it as it is now"

// qresync reports whether the client enabled QRESYNC.
func (s *session) qresync() bool {
	c := s.cond()
	return c != nil && c.qresync.Load()
}

// purged answers a purge of the selected archive: BYE, as ever, unless
// the client enabled QRESYNC, which can be told of removed messages by
// UID, VANISHED (RFC 7162 §3.2.10), whose rules are EXPUNGE's: not
// during FETCH, STORE or SEARCH (RFC 3501 §7.4.1), so the session is
// told at the next command that allows it (until then a purged message
// is left out of answers, as when a purge comes during a FETCH).
func (s *session) purged(w *imapserver.UpdateWriter, allowExpunge bool) error {
	if !s.qresync() {
		return s.bye(purgedBye)
	}
	sel := s.sel
	sel.watch.purged.Store(true) // also when found by a missing UID
	if !allowExpunge {
		return nil
	}
	sel.watch.purged.Store(false)
	now, _, err := s.srv.store.ImapUIDsAfter(s.ctx, s.actor, sel.mb.groupID, 0)
	if err != nil {
		return s.lost(err)
	}
	var last uint32
	if n := len(sel.uids); n > 0 {
		last = sel.uids[n-1]
	}
	var gone []uidRange
	var kept, more []uint32
	i := 0
	for _, u := range sel.uids {
		for i < len(now) && now[i] < u {
			i++
		}
		if i < len(now) && now[i] == u {
			kept = append(kept, u)
		} else if n := len(gone); n > 0 && gone[n-1].hi+1 == u {
			gone[n-1].hi = u
		} else {
			gone = append(gone, uidRange{u, u})
		}
	}
	for _, u := range now {
		if u > last {
			more = append(more, u)
		}
	}
	sel.uids = append(kept, more...)
	sel.dropSaved(now)
	if set := missing(gone, nil); set != "" {
		if _, err := s.guard.Write([]byte("* VANISHED " + set + "\r\n")); err != nil {
			return err
		}
	}
	if len(more) > 0 {
		return w.WriteNumMessages(uint32(len(sel.uids)))
	}
	return nil
}

// dropSaved keeps in the SEARCH result "$" (RFC 5182) only the UIDs still
// in the mailbox (now, ascending).
func (sel *selected) dropSaved(now []uint32) {
	var out []uint32
	for _, u := range sel.saved {
		if _, ok := positionIn(now, u); ok {
			out = append(out, u)
		}
	}
	sel.saved = out
}
