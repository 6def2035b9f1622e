package groups

import (
	"context"
	"net/mail"
)

// masters is the masters' addresses of group gid.
func masters(ctx context.Context, q querier, gid int64) ([]string, error) {
	return scanStrings(q.QueryContext(ctx, `SELECT u.email FROM memberships m JOIN users u ON u.uid = m.uid
		WHERE m.gid = ? AND m.role = 'master' ORDER BY u.email`, gid))
}

// noticeMasters queues notice n from groupd to the masters of group gid;
// replyTo, when not nil, is whom their replies go to.
func (s *Store) noticeMasters(ctx context.Context, tx *wtx, gid int64, n Notice, replyTo *mail.Address) error {
	rcpts, err := masters(ctx, tx, gid)
	if err != nil {
		return err
	}
	msg, err := s.composeNotice(tx, n, replyTo)
	if err != nil {
		return err
	}
	_, err = enqueueFor(ctx, tx, outboundRow{from: s.NoReplyAddress(), gid: gid, kind: "notice"}, rcpts, msg)
	return err
}

// ForwardToMasters queues data, a message sent to the list's -owner
// address, for the masters of the list (SPEC §4). Bounces of the forward
// go to the list's bounce address without a token, where they end.
func (s *Store) ForwardToMasters(ctx context.Context, list string, data []byte) error {
	return s.write(ctx, func(tx *wtx) error {
		l, err := loadListRow(ctx, tx, list)
		if err != nil {
			return err
		}
		rcpts, err := masters(ctx, tx, l.gid)
		if err != nil {
			return err
		}
		_, err = enqueueFor(ctx, tx, outboundRow{from: s.opts.Addresses.BounceBase(l.address), gid: l.gid, kind: "forward"}, rcpts, data)
		return err
	})
}
