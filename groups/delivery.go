package groups

import (
	"context"
	"errors"
)

// Delivery modes of a member or an external list address (issue 13).
const (
	DeliverEach   = "each"   // a copy of every post (the default)
	DeliverDigest = "digest" // the posts gathered in digests (digest.go)
	DeliverNone   = "none"   // no mail: the member reads on the web or over IMAP
)

func validMode(mode string) error {
	switch mode {
	case DeliverEach, DeliverDigest, DeliverNone:
		return nil
	}
	return errorf(ErrInvalid, "mode must be each, digest or none, not %q", mode)
}

// Delivery is the delivery mode of the actor in group id: members only
// (an outsider gets what Authorize says, a non-member who sees the group
// ErrNotFound: they have no mode).
func (s *Store) Delivery(ctx context.Context, a Actor, id string) (string, error) {
	acc, err := s.Authorize(ctx, a, id, ActSee, "")
	if err != nil {
		return "", err
	}
	var mode string
	err = s.rdb.QueryRowContext(ctx, `SELECT m.delivery FROM memberships m JOIN users u ON u.uid = m.uid
		WHERE m.gid = ? AND u.email = ?`, acc.gid, a.Email).Scan(&mode)
	if errors.Is(err, errNoRows) {
		return "", errorf(ErrNotFound, "you are not a member of this group")
	}
	return mode, err
}

// SetDelivery sets the actor's own delivery mode in group id. Members
// cannot leave (SPEC §1): DeliverNone is how a member stops mail. The
// change takes effect at the next post (setModeSQL).
func (s *Store) SetDelivery(ctx context.Context, a Actor, id, mode string) error {
	if err := validMode(mode); err != nil {
		return err
	}
	return s.write(ctx, func(tx *wtx) error {
		acc, err := s.authorizeQ(ctx, tx, a, id, ActSee, "")
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE memberships SET `+setModeSQL+`
			WHERE gid = ? AND uid = (SELECT uid FROM users WHERE email = ?)`, modeArgs(mode, acc.gid, a.Email)...)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return cmpErr(err, errorf(ErrNotFound, "you are not a member of this group"))
		}
		tx.emit(Change{Kind: ChangeGroupUpdated, GroupID: id, User: a.Email})
		return pruneDigestPosts(ctx, tx, acc.gid)
	})
}

// ExternalDelivery is the delivery mode of external list address addr of
// group id: masters and admins only.
func (s *Store) ExternalDelivery(ctx context.Context, a Actor, id, addr string) (string, error) {
	acc, err := s.Authorize(ctx, a, id, ActManage, "")
	if err != nil {
		return "", err
	}
	var mode string
	err = s.rdb.QueryRowContext(ctx, `SELECT delivery FROM list_addresses WHERE gid = ? AND kind = 'external'
		AND address = ?`, acc.gid, normAddr(addr)).Scan(&mode)
	if errors.Is(err, errNoRows) {
		return "", errNoExternal(addr)
	}
	return mode, err
}

// SetExternalDelivery sets the delivery mode of external list address
// addr of group id: masters and admins only, as SetDelivery.
func (s *Store) SetExternalDelivery(ctx context.Context, a Actor, id, addr, mode string) error {
	if err := validMode(mode); err != nil {
		return err
	}
	return s.write(ctx, func(tx *wtx) error {
		acc, err := s.authorizeQ(ctx, tx, a, id, ActManage, "")
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE list_addresses SET `+setModeSQL+`
			WHERE gid = ? AND kind = 'external' AND address = ?`, modeArgs(mode, acc.gid, normAddr(addr))...)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return cmpErr(err, errNoExternal(addr))
		}
		tx.emit(Change{Kind: ChangeGroupUpdated, GroupID: id})
		return pruneDigestPosts(ctx, tx, acc.gid)
	})
}

// ExternalDeliveries maps each external list address of group id to its
// delivery mode, for the masters' pages: masters and admins only.
func (s *Store) ExternalDeliveries(ctx context.Context, a Actor, id string) (map[string]string, error) {
	acc, err := s.Authorize(ctx, a, id, ActManage, "")
	if err != nil {
		return nil, err
	}
	rows, err := s.rdb.QueryContext(ctx, `SELECT address, delivery FROM list_addresses
		WHERE gid = ? AND kind = 'external'`, acc.gid)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var addr, mode string
		if err := rows.Scan(&addr, &mode); err != nil {
			return nil, err
		}
		out[addr] = mode
	}
	return out, rows.Err()
}

func errNoExternal(addr string) error {
	return errorf(ErrNotFound, "%s is not an external address of this group", addr)
}

// cmpErr is err when there is one, else alt.
func cmpErr(err, alt error) error {
	if err != nil {
		return err
	}
	return alt
}

// setModeSQL sets a recipient's delivery mode (args: modeArgs) so that
// the change takes effect at the next post:
//   - a switch to digest starts the digests after the posts accepted so
//     far (the mark goes to digestTopSQL);
//   - a switch away from digest leaves the posts still waiting owed in a
//     last digest (owed: up to digestTopSQL), sent as digests are;
//   - a switch back to digest while that last digest is still owed keeps
//     the mark: the owed posts and those since come in the digests.
//
// (In an UPDATE every right-hand side reads the row as it was.)
const setModeSQL = `digested = CASE WHEN delivery = 'digest' OR owed > digested THEN digested ELSE ` + digestTopSQL + ` END,
	owed = CASE WHEN ? = 'digest' THEN 0 WHEN delivery = 'digest' THEN ` + digestTopSQL + ` ELSE owed END,
	delivery = ?`

func modeArgs(mode string, rest ...any) []any { return append([]any{mode, mode}, rest...) }

// digestTopSQL is the highest digest post id so far: the mark of a
// recipient switching to digest, whose digests start after it. Ids only
// grow (AUTOINCREMENT, an identity), so every later post is above it.
const digestTopSQL = `(SELECT COALESCE(MAX(did), 0) FROM digest_posts)`
