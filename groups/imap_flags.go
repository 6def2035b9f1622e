package groups

import (
	"context"
	"errors"
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
	out := map[uint32][]string{}
	err := s.write(ctx, func(tx *wtx) error {
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
		for _, uid := range uids {
			fl, ok, err := imapFlagsOf(ctx, tx, acc.gid, uid, user)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			if fl, err = imapFlagRowOf(change(fl.list())); err != nil {
				return err
			}
			if err := imapSaveFlags(ctx, tx, acc.gid, uid, user, fl); err != nil {
				return err
			}
			out[uid] = fl.list()
		}
		return nil
	})
	return out, err
}

// imapFlagsOf reads one user's flags on one message; ok is false when the
// message does not exist.
func imapFlagsOf(ctx context.Context, tx *wtx, gid int64, uid uint32, user int64) (imapFlagRow, bool, error) {
	var fl imapFlagRow
	var exists bool
	err := tx.QueryRowContext(ctx, `SELECT 1, COALESCE(f.seen, 0), COALESCE(f.answered, 0), COALESCE(f.flagged, 0),
		COALESCE(f.draft, 0), COALESCE(f.keywords, '')
		FROM messages m LEFT JOIN imap_flags f ON f.gid = m.gid AND f.uid = m.uid AND f.user_id = ?
		WHERE m.gid = ? AND m.uid = ?`, user, gid, uid).
		Scan(&exists, &fl.seen, &fl.answered, &fl.flagged, &fl.draft, &fl.keywords)
	if errors.Is(err, errNoRows) {
		return fl, false, nil
	}
	return fl, err == nil, err
}

func imapSaveFlags(ctx context.Context, tx *wtx, gid int64, uid uint32, user int64, fl imapFlagRow) error {
	if fl.empty() {
		_, err := tx.ExecContext(ctx, `DELETE FROM imap_flags WHERE gid = ? AND uid = ? AND user_id = ?`, gid, uid, user)
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO imap_flags (gid, uid, user_id, seen, answered, flagged, draft, keywords)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (gid, uid, user_id) DO UPDATE SET seen = excluded.seen, answered = excluded.answered,
		  flagged = excluded.flagged, draft = excluded.draft, keywords = excluded.keywords`,
		gid, uid, user, fl.seen, fl.answered, fl.flagged, fl.draft, fl.keywords)
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
