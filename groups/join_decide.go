package groups

import (
	"context"
	"errors"
	"strings"
)

// Decisions on a join request (issue 13).
const (
	JoinApprove = "approve" // add the requester: a member, or an external address of the list
	JoinDecline = "decline" // drop it; a verified requester is told the reason
)

// joinRow is a pending request as a decision needs it.
type joinRow struct {
	rid      int64
	list     *listRow
	addr     string
	verified bool
}

// DecideJoinRequest applies a master's decision on join request n of
// group id. JoinApprove adds the requester: the address of a user
// account becomes a member, any other an external member of the list;
// an address outside internal_domains only in an external group (else
// ErrConflict, and the request stays). JoinDecline drops it. Either way
// a verified requester is told the outcome, the reason with it.
func (s *Store) DecideJoinRequest(ctx context.Context, a Actor, id string, n int64, action, reason string) error {
	acc, err := s.Authorize(ctx, a, id, ActManage, "")
	if err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	if err := checkText("reason", reason, 0, MaxReasonChars); err != nil {
		return err
	}
	if action != JoinApprove && action != JoinDecline {
		return errorf(ErrInvalid, "action must be approve or decline, not %q", action)
	}
	return s.write(ctx, func(tx *wtx) error {
		j, err := takeJoin(ctx, tx, acc.gid, n)
		if err != nil {
			return err
		}
		event := JoinDeclined
		if action == JoinApprove {
			if err := s.approveJoin(ctx, tx, a, j); err != nil {
				return err
			}
			event = JoinApproved
		}
		s.log.Info("join request "+event, "list", j.list.address, "from", j.addr, "by", a.Email)
		return s.tellIfVerified(ctx, tx, j, event, reason)
	})
}

// takeJoin reads join request n of group gid and deletes it; an error
// later in the transaction puts it back.
func takeJoin(ctx context.Context, tx *wtx, gid, n int64) (*joinRow, error) {
	j := &joinRow{rid: n}
	var list string
	err := tx.QueryRowContext(ctx, `SELECT j.address, j.verified, g.list_address FROM join_requests j
		JOIN groups g ON g.gid = j.gid WHERE j.gid = ? AND j.rid = ?`, gid, n).Scan(&j.addr, &j.verified, &list)
	if errors.Is(err, errNoRows) {
		return nil, errJoinNotFound(n)
	}
	if err != nil {
		return nil, err
	}
	if j.list, err = loadListRow(ctx, tx, list); err != nil {
		return nil, err
	}
	_, err = tx.ExecContext(ctx, `DELETE FROM join_requests WHERE rid = ?`, n)
	return j, err
}

// approveJoin adds the requester of j to its group, within the group's
// external rules: an address outside internal_domains (a guest account
// or a plain address) only joins an external group, as SPEC §1 has it
// for members; a join request does not open an internal group to
// outsiders. Someone already on the list by now is left as they are.
func (s *Store) approveJoin(ctx context.Context, tx *wtx, a Actor, j *joinRow) error {
	var external bool
	var users int
	err := tx.QueryRowContext(ctx, `SELECT g.external, (SELECT COUNT(*) FROM users WHERE email = ?)
		FROM groups g WHERE g.gid = ?`, j.addr, j.list.gid).Scan(&external, &users)
	if err != nil {
		return err
	}
	if on, err := knownSender(ctx, tx, j.list.gid, j.addr); on || err != nil {
		return err
	}
	if !external && !s.IsInternal(j.addr) {
		return errorf(ErrConflict, "%s is outside the organisation and this group is not external: "+
			"decline the request, or make the group external first", j.addr)
	}
	var what GroupNotice
	var concerned []string
	if users > 0 {
		if err := s.putMember(ctx, tx, j.list.gid, external, j.addr, RoleMember); err != nil {
			return err
		}
		tx.emit(Change{Kind: ChangeMemberAdded, GroupID: j.list.id, User: j.addr})
		if what, err = s.memberChange(ctx, tx, j.addr, "", RoleMember); err != nil {
			return err
		}
		concerned = []string{j.addr}
	} else {
		if _, err := tx.ExecContext(ctx, `INSERT INTO list_addresses (gid, kind, address) VALUES (?, 'external', ?)`,
			j.list.gid, j.addr); err != nil {
			return err
		}
		tx.emit(Change{Kind: ChangeGroupUpdated, GroupID: j.list.id})
		what = GroupNotice{External: j.addr}
	}
	return s.notifyEdit(ctx, tx, j.list.gid, a, what, concerned...)
}

// tellIfVerified tells the requester of j the outcome when their address
// was proven; an unverified one gets nothing (SPEC §4: no backscatter).
func (s *Store) tellIfVerified(ctx context.Context, tx *wtx, j *joinRow, event, reason string) error {
	if !j.verified {
		s.log.Info("join request: requester not told, address unverified", "list", j.list.address, "from", j.addr, "event", event)
		return nil
	}
	return s.tellRequester(ctx, tx, j.list, j.addr, event, reason)
}

// ExpireJoinRequests drops the join requests first made more than days
// ago (a merged request does not restart the clock: the masters were
// told at the first) and tells their verified requesters; it returns
// how many expired.
func (s *Store) ExpireJoinRequests(ctx context.Context, days int) (int, error) {
	return s.expire(ctx, days, `SELECT gid, rid FROM join_requests WHERE first_at <= ? ORDER BY rid`,
		func(tx *wtx, gid, rid int64) error {
			j, err := takeJoin(ctx, tx, gid, rid)
			if err != nil {
				return err
			}
			return s.tellIfVerified(ctx, tx, j, JoinExpired, "")
		})
}
