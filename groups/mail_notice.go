package groups

import (
	"context"
	"fmt"
)

// masters is the masters' addresses of group gid.
func masters(ctx context.Context, q querier, gid int64) ([]string, error) {
	return scanStrings(q.QueryContext(ctx, `SELECT u.email FROM memberships m JOIN users u ON u.uid = m.uid
		WHERE m.gid = ? AND m.role = 'master' ORDER BY u.email`, gid))
}

// noticeMasters queues a notice from groupd to the masters of group gid.
func (s *Store) noticeMasters(ctx context.Context, tx *wtx, gid int64, subject, body string) error {
	rcpts, err := masters(ctx, tx, gid)
	if err != nil {
		return err
	}
	_, err = enqueueFor(ctx, tx, outboundRow{from: s.NoReplyAddress(), gid: gid, kind: "notice"},
		rcpts, s.composeNotice(tx, rcpts, subject, body))
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
		_, err = enqueueFor(ctx, tx, outboundRow{from: BounceBase(l.address), gid: l.gid, kind: "forward"}, rcpts, data)
		return err
	})
}

// JoinRequest queues, in one transaction, a join request to the masters of
// the list naming the requester, and an acknowledgement to the requester
// (SPEC §4, -join@). name is the requester's display name, may be "".
func (s *Store) JoinRequest(ctx context.Context, list, requester, name string) error {
	requester = normAddr(requester)
	who := requester
	if name != "" {
		who = fmt.Sprintf("%s <%s>", name, requester)
	}
	return s.write(ctx, func(tx *wtx) error {
		l, err := loadListRow(ctx, tx, list)
		if err != nil {
			return err
		}
		body := fmt.Sprintf("%s asks to join the group %q (%s).\n\n"+
			"A master can add them as a member, or as an external member of the mailing list,\n"+
			"in the group's settings. Nothing happens until then.\n", who, l.name, l.address)
		if err := s.noticeMasters(ctx, tx, l.gid, fmt.Sprintf("Join request for %s from %s", l.name, requester), body); err != nil {
			return err
		}
		ack := fmt.Sprintf("Your request to join the group %q (%s) was sent to its masters.\n"+
			"They decide; you will hear from the list once they have added you.\n", l.name, l.address)
		rcpts := []string{requester}
		_, err = enqueueFor(ctx, tx, outboundRow{from: s.NoReplyAddress(), gid: l.gid, kind: "notice"},
			rcpts, s.composeNotice(tx, rcpts, "Your request to join "+l.name, ack))
		return err
	})
}
