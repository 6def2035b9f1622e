package groups

import (
	"context"
	"errors"
	"slices"
	"strings"
)

// MaxImapKeywords caps the keywords one user keeps on one message.
const MaxImapKeywords = 32

// ImapStoreFlags changes a's own flags on the listed messages of the
// group's archive and returns the resulting flags by UID; UIDs that do not
// exist are skipped. Other users' flags are untouched. change gets a
// message's flags (as ImapMessage.Flags lists them) and returns the new
// ones, inside the write transaction, so that no other change comes
// between the read and the write; the IMAP server's flag grammar makes
// it (imap/flags.go). What the store keeps of them: see imapFlagRowOf.
// \Deleted is refused (ErrDenied): the archive is read-only.
func (s *Store) ImapStoreFlags(ctx context.Context, a Actor, groupID string, uids []uint32, change func(flags []string) []string) (map[uint32][]string, error) {
	res, err := s.ImapStoreFlagsIf(ctx, a, groupID, uids, ImapStoreOptions{}, change)
	if err != nil {
		return nil, err
	}
	return res.Flags, nil
}

// ImapStoreOptions are the conditions of a flag change.
type ImapStoreOptions struct {
	// UnchangedSince, when Check is set, leaves alone every message whose
	// mod-sequence is above it (STORE UNCHANGEDSINCE, RFC 7162 §3.1.3):
	// they are listed in ImapStoreResult.Modified.
	UnchangedSince uint64
	Check          bool
}

// ImapStoreResult is what a flag change did.
type ImapStoreResult struct {
	Flags    map[uint32][]string // the flags of every message not Modified
	ModSeq   map[uint32]uint64   // their mod-sequences, after the change
	Modified []uint32            // failed the UNCHANGEDSINCE test, ascending
	Changed  []uint32            // whose flags changed (a new mod-sequence)
}

// ImapStoreFlagsIf is ImapStoreFlags with CONDSTORE's condition and
// mod-sequences (imap_modseq.go). A change that leaves a message's flags
// as they were gives it no new mod-sequence. One command's changes share
// one mod-sequence, taken inside the write transaction. Other sessions of
// a learn of the change from the change feed (ChangeData, feature
// ImapFlagsFeature, User a).
func (s *Store) ImapStoreFlagsIf(ctx context.Context, a Actor, groupID string, uids []uint32, o ImapStoreOptions, change func(flags []string) []string) (*ImapStoreResult, error) {
	var res *ImapStoreResult
	err := s.write(ctx, func(tx *wtx) error {
		res = &ImapStoreResult{Flags: map[uint32][]string{}, ModSeq: map[uint32]uint64{}}
		acc, err := s.authorizeQ(ctx, tx, a, groupID, ActRead, FeatureMessage)
		if err != nil {
			return err
		}
		if acc.Role == "" {
			return errorf(ErrNotFound, "you are not a member of this group")
		}
		var user int64
		if err := tx.QueryRowContext(ctx, `SELECT uid FROM users WHERE email = ?`, a.Email).Scan(&user); err != nil {
			if errors.Is(err, errNoRows) {
				return errorf(ErrUnauthenticated, "no account %s", a.Email)
			}
			return err
		}
		var modseq uint64 // taken at the first real change
		for _, uid := range uids {
			old, fm, ok, err := imapFlagsOf(ctx, tx, acc.gid, uid, user)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			cur := imapModSeqOf(uid, fm)
			if o.Check && cur > o.UnchangedSince {
				res.Modified = append(res.Modified, uid)
				continue
			}
			fl, err := imapFlagRowOf(change(old.list()))
			if err != nil {
				return err
			}
			if fl != old {
				if modseq == 0 {
					if modseq, err = imapNextModSeq(ctx, tx, acc.gid); err != nil {
						return err
					}
				}
				if err := imapSaveFlags(ctx, tx, acc.gid, uid, user, fl, modseq); err != nil {
					return err
				}
				cur = modseq
				res.Changed = append(res.Changed, uid)
			}
			res.Flags[uid], res.ModSeq[uid] = fl.list(), cur
		}
		slices.Sort(res.Modified)
		if modseq != 0 {
			tx.emit(Change{Kind: ChangeData, GroupID: groupID, Feature: ImapFlagsFeature, User: a.Email, Ref: int64(modseq)})
		}
		return nil
	})
	return res, err
}

// ImapFlagsFeature names a change of a user's IMAP flags on the change
// feed (ChangeData; User is whose flags, Ref the mod-sequence). No
// group feature has this name.
const ImapFlagsFeature = "imap-flags"

// imapFlagsOf reads one user's flags on one message and the mod-sequence
// of their last change; ok is false when the message does not exist.
func imapFlagsOf(ctx context.Context, tx *wtx, gid int64, uid uint32, user int64) (imapFlagRow, int64, bool, error) {
	var fl imapFlagRow
	var exists bool
	var modseq int64
	err := tx.QueryRowContext(ctx, `SELECT 1, COALESCE(f.seen, 0), COALESCE(f.answered, 0), COALESCE(f.flagged, 0),
		COALESCE(f.draft, 0), COALESCE(f.keywords, ''), COALESCE(f.modseq, 0)
		FROM messages m LEFT JOIN imap_flags f ON f.gid = m.gid AND f.uid = m.uid AND f.user_id = ?
		WHERE m.gid = ? AND m.uid = ?`, user, gid, uid).
		Scan(&exists, &fl.seen, &fl.answered, &fl.flagged, &fl.draft, &fl.keywords, &modseq)
	if errors.Is(err, errNoRows) {
		return fl, 0, false, nil
	}
	return fl, modseq, err == nil, err
}

// imapSaveFlags writes a user's flags on a message with the change's
// mod-sequence. A row whose flags are all cleared stays, so that its
// mod-sequence does (FETCH CHANGEDSINCE must report the clearing).
func imapSaveFlags(ctx context.Context, tx *wtx, gid int64, uid uint32, user int64, fl imapFlagRow, modseq uint64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO imap_flags (gid, uid, user_id, seen, answered, flagged, draft, keywords, modseq)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (gid, uid, user_id) DO UPDATE SET seen = excluded.seen, answered = excluded.answered,
		  flagged = excluded.flagged, draft = excluded.draft, keywords = excluded.keywords, modseq = excluded.modseq`,
		gid, uid, user, fl.seen, fl.answered, fl.flagged, fl.draft, fl.keywords, int64(modseq))
	return err
}

// imapFlagRowOf is what the store keeps of flags: ImapSeen, ImapAnswered,
// ImapFlagged and ImapDraft, spelled so, and up to MaxImapKeywords other
// flags as keywords, in a column that separates them with spaces (so
// none empty or holding white space).
func imapFlagRowOf(flags []string) (imapFlagRow, error) {
	var r imapFlagRow
	var kw []string
	for _, f := range flags {
		switch f {
		case ImapSeen:
			r.seen = true
		case ImapAnswered:
			r.answered = true
		case ImapFlagged:
			r.flagged = true
		case ImapDraft:
			r.draft = true
		default:
			if strings.EqualFold(f, `\Deleted`) {
				return r, errorf(ErrDenied, "the group archive is read-only: messages cannot be deleted")
			}
			if len(kw) < MaxImapKeywords && f != "" && !strings.ContainsAny(f, " \t\r\n") {
				kw = append(kw, f)
			}
		}
	}
	r.keywords = strings.Join(kw, " ")
	return r, nil
}
