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
// verified says the mail server could vouch for the requester's address
// (trusted network, passing DKIM, submission); an unverified requester
// gets no acknowledgement, so that a forged sender gets no mail from
// groupd (no backscatter), and the masters are told the address is
// unproven.
func (s *Store) JoinRequest(ctx context.Context, list, requester, name string, verified bool) error {
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
		if !verified {
			body += "\nThe sender's address could not be verified (the mail came from outside the\n" +
				"organisation's mail servers without a DKIM signature of its domain); it may be forged.\n"
		}
		if err := s.noticeMasters(ctx, tx, l.gid, fmt.Sprintf("Join request for %s from %s", l.name, requester), body); err != nil {
			return err
		}
		if !verified {
			return nil
		}
		return s.acknowledgeJoin(ctx, tx, l, requester)
	})
}

// acknowledgeJoin queues the requester's acknowledgement. A private
// group's is named by the address the requester wrote to, not by the
// group's name, which only members know.
func (s *Store) acknowledgeJoin(ctx context.Context, tx *wtx, l *listRow, requester string) error {
	what := fmt.Sprintf("the group %q (%s)", l.name, l.address)
	subject := "Your request to join " + l.name
	if !l.public {
		what, subject = "the list "+l.address, "Your request to join "+l.address
	}
	ack := "Your request to join " + what + " was sent to its masters.\n" +
		"They decide; you will hear from the list once they have added you.\n"
	rcpts := []string{requester}
	_, err := enqueueFor(ctx, tx, outboundRow{from: s.NoReplyAddress(), gid: l.gid, kind: "notice"},
		rcpts, s.composeNotice(tx, rcpts, subject, ack))
	return err
}
