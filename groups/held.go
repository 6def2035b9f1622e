package groups

import (
	"context"
	"errors"
	"strings"
	"time"
)

// Decisions on a held post (issue 13).
const (
	HeldApprove = "approve" // deliver it as if accepted now
	HeldReject  = "reject"  // drop it; a verified author is told the reason
	HeldDiscard = "discard" // drop it silently
)

// MaxReasonChars bounds a rejection's reason.
const MaxReasonChars = 2000

// heldRow is a held post as a decision needs it.
type heldRow struct {
	hid      int64
	list     *listRow
	sender   string
	verified bool
	subject  string
	msgID    string
	data     []byte
	received time.Time
}

// ListHeld lists the posts group id holds, oldest first: for its masters
// and admins only (others get what Authorize says: a private group is
// missing to an outsider).
func (s *Store) ListHeld(ctx context.Context, a Actor, id string) ([]HeldPost, error) {
	acc, err := s.Authorize(ctx, a, id, ActManage, "")
	if err != nil {
		return nil, err
	}
	rows, err := s.rdb.QueryContext(ctx, `SELECT `+heldColumns+` FROM held_posts WHERE gid = ? ORDER BY hid`, acc.gid)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []HeldPost{}
	for rows.Next() {
		h, err := scanHeld(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *h)
	}
	return out, rows.Err()
}

// GetHeld is held post n of group id, as ListHeld lists it.
func (s *Store) GetHeld(ctx context.Context, a Actor, id string, n int64) (*HeldPost, error) {
	acc, err := s.Authorize(ctx, a, id, ActManage, "")
	if err != nil {
		return nil, err
	}
	h, err := scanHeld(s.rdb.QueryRowContext(ctx, `SELECT `+heldColumns+` FROM held_posts WHERE gid = ? AND hid = ?`, acc.gid, n))
	if errors.Is(err, errNoRows) {
		return nil, errHeldNotFound(n)
	}
	return h, err
}

// heldColumns are what scanHeld reads.
const heldColumns = `hid, sender, verified, subject, message_id, received_at, octet_length(data)`

func scanHeld(r interface{ Scan(...any) error }) (*HeldPost, error) {
	var h HeldPost
	var at int64
	if err := r.Scan(&h.N, &h.Sender, &h.Verified, &h.Subject, &h.MessageID, &at, &h.Size); err != nil {
		return nil, err
	}
	h.Received = unixTime(at).UTC().Format(time.RFC3339)
	return &h, nil
}

// HeldMessage is held post n of group id, the message as it would go out.
func (s *Store) HeldMessage(ctx context.Context, a Actor, id string, n int64) ([]byte, error) {
	acc, err := s.Authorize(ctx, a, id, ActManage, "")
	if err != nil {
		return nil, err
	}
	var data []byte
	err = s.rdb.QueryRowContext(ctx, `SELECT data FROM held_posts WHERE gid = ? AND hid = ?`, acc.gid, n).Scan(&data)
	if errors.Is(err, errNoRows) {
		return nil, errHeldNotFound(n)
	}
	return data, err
}

func errHeldNotFound(n int64) error { return errorf(ErrNotFound, "no held post %d in this group", n) }

// DecideHeld applies a master's decision on held post n of group id:
// HeldApprove delivers it exactly as a post accepted now (fan-out,
// archive, IMAP); HeldReject drops it and tells a verified author the
// reason; HeldDiscard drops it.
func (s *Store) DecideHeld(ctx context.Context, a Actor, id string, n int64, action, reason string) error {
	acc, err := s.Authorize(ctx, a, id, ActManage, "")
	if err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	switch action {
	case HeldApprove, HeldDiscard:
	case HeldReject:
		if err := checkText("reason", reason, 0, MaxReasonChars); err != nil {
			return err
		}
	default:
		return errorf(ErrInvalid, "action must be approve, reject or discard, not %q", action)
	}
	return s.write(ctx, func(tx *wtx) error {
		h, err := takeHeld(ctx, tx, acc.gid, n)
		if err != nil {
			return err
		}
		switch action {
		case HeldApprove:
			return s.approveHeld(ctx, tx, h)
		case HeldReject:
			return s.noticeAuthor(ctx, tx, h, HeldRejected, reason)
		}
		return nil
	})
}

// takeHeld reads held post n of group gid and deletes it.
func takeHeld(ctx context.Context, tx *wtx, gid, n int64) (*heldRow, error) {
	h := &heldRow{hid: n}
	var at int64
	var addr string
	err := tx.QueryRowContext(ctx, `SELECT h.sender, h.verified, h.subject, h.message_id, h.data, h.received_at, g.list_address
		FROM held_posts h JOIN groups g ON g.gid = h.gid WHERE h.gid = ? AND h.hid = ?`, gid, n).
		Scan(&h.sender, &h.verified, &h.subject, &h.msgID, &h.data, &at, &addr)
	if errors.Is(err, errNoRows) {
		return nil, errHeldNotFound(n)
	}
	if err != nil {
		return nil, err
	}
	h.received = unixTime(at)
	if h.list, err = loadListRow(ctx, tx, addr); err != nil {
		return nil, err
	}
	_, err = tx.ExecContext(ctx, `DELETE FROM held_posts WHERE hid = ?`, n)
	return h, err
}

// approveHeld delivers held post h as a post accepted now.
func (s *Store) approveHeld(ctx context.Context, tx *wtx, h *heldRow) error {
	if !h.list.enabled {
		return errorf(ErrConflict, "%s is switched off; turn the mailing list on before approving", h.list.address)
	}
	pol, err := s.policy(ctx, tx)
	if err != nil {
		return err
	}
	a := &acceptTx{tx: tx, q: tx, archiveOff: pol.disabledSet()[FeatureMessage], fanout: map[int64]int64{},
		lists: map[string]*listRow{}, addrs: s.opts.Addresses}
	p := &Post{List: h.list.address, Sender: h.sender, Data: h.data, MessageID: h.msgID, Subject: h.subject, Received: tx.now}
	if err := a.deliver(ctx, h.list, p); err != nil {
		return err
	}
	s.log.Info("held post approved", "list", h.list.address, "from", h.sender, "recipients", p.Recipients)
	return nil
}

// ExpireHeld drops the posts held for longer than days and tells their
// verified authors; it returns how many expired.
func (s *Store) ExpireHeld(ctx context.Context, days int) (int, error) {
	return s.expire(ctx, days, `SELECT gid, hid FROM held_posts WHERE received_at <= ? ORDER BY hid`,
		func(tx *wtx, gid, hid int64) error {
			h, err := takeHeld(ctx, tx, gid, hid)
			if err != nil {
				return err
			}
			return s.noticeAuthor(ctx, tx, h, HeldExpired, "")
		})
}

// expire runs drop, in one write, on each (gid, id) row that query
// (with the unix time days ago as its argument) selects: held posts and
// join requests expire alike (mail.hold_days). It returns how many.
func (s *Store) expire(ctx context.Context, days int, query string, drop func(tx *wtx, gid, id int64) error) (int, error) {
	if days <= 0 {
		return 0, nil
	}
	n := 0
	err := s.write(ctx, func(tx *wtx) error {
		n = 0
		cut := tx.now.Add(-time.Duration(days) * 24 * time.Hour).Unix()
		rows, err := tx.QueryContext(ctx, query, cut)
		if err != nil {
			return err
		}
		var ids [][2]int64
		for rows.Next() {
			var id [2]int64
			if err := rows.Scan(&id[0], &id[1]); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return err
		}
		for _, id := range ids {
			if err := drop(tx, id[0], id[1]); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}
