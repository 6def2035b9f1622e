package groups

import (
	"context"
	"errors"
	"strings"
)

// ImapFlagOp is how ImapStoreFlags combines flags (RFC 3501 §6.4.6).
type ImapFlagOp int

const (
	ImapFlagsSet ImapFlagOp = iota // FLAGS: replace
	ImapFlagsAdd                   // +FLAGS
	ImapFlagsDel                   // -FLAGS
)

// MaxImapKeywords caps the keywords one user keeps on one message.
const MaxImapKeywords = 32

// ImapStoreFlags changes a's own flags on the listed messages of the
// group's archive and returns the resulting flags by UID; UIDs that do not
// exist are skipped. Other users' flags are untouched. \Deleted is refused
// (ErrDenied): the archive is read-only.
func (s *Store) ImapStoreFlags(ctx context.Context, a Actor, groupID string, uids []uint32, op ImapFlagOp, flags []string) (map[uint32][]string, error) {
	for _, f := range flags {
		if strings.EqualFold(f, `\Deleted`) {
			return nil, errorf(ErrDenied, "the group archive is read-only: messages cannot be deleted")
		}
		if strings.HasPrefix(f, `\`) && imapSystemFlag(f) == "" {
			return nil, errorf(ErrInvalid, "flag %s cannot be set", f)
		}
	}
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
			fl = fl.apply(op, flags)
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

// imapSystemFlag canonicalises a system flag kept per user, or "".
func imapSystemFlag(f string) string {
	for _, s := range []string{ImapSeen, ImapAnswered, ImapFlagged, ImapDraft} {
		if strings.EqualFold(f, s) {
			return s
		}
	}
	return ""
}

// apply combines flags into r by op. Keywords compare case-insensitively
// (RFC 3501 §2.3.2) and keep their first spelling.
func (r imapFlagRow) apply(op ImapFlagOp, flags []string) imapFlagRow {
	kw := strings.Fields(r.keywords)
	if op == ImapFlagsSet {
		r = imapFlagRow{}
		kw = nil
	}
	on := op != ImapFlagsDel
	for _, f := range flags {
		switch imapSystemFlag(f) {
		case ImapSeen:
			r.seen = on
		case ImapAnswered:
			r.answered = on
		case ImapFlagged:
			r.flagged = on
		case ImapDraft:
			r.draft = on
		default:
			kw = imapKeyword(kw, f, on)
		}
	}
	r.keywords = strings.Join(kw, " ")
	return r
}

func imapKeyword(kw []string, f string, on bool) []string {
	for i, k := range kw {
		if strings.EqualFold(k, f) {
			if on {
				return kw
			}
			return append(kw[:i:i], kw[i+1:]...)
		}
	}
	if on && len(kw) < MaxImapKeywords && f != "" && !strings.ContainsAny(f, " \t\r\n") {
		return append(kw, f)
	}
	return kw
}
