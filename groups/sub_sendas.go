package groups

import (
	"context"
	"errors"
)

// Rules of submission (SPEC §4), beside MayPost's Refuse* rules.
const (
	RefuseSendAs     = "senders-as"  // From is a list the user may not send as
	RefuseNotOwnFrom = "own-address" // From is neither the user nor a list
	RefuseUnverified = "unverified"  // an internal sender from outside, unsigned
)

// MaySendAs is the sender-as-address rule (SPEC §1 senders_as, §4
// Submission): whether the authenticated user u may send a message whose
// From is from. Their own address always; a list address only when that
// list's senders_as names them; anything else never (no spoofing through
// the submission port). nil means yes; a *Refusal says why not.
func (s *Store) MaySendAs(ctx context.Context, u *User, from string) error {
	from = normAddr(from)
	if from == normAddr(u.Email) {
		return nil
	}
	l, err := loadListRow(ctx, s.rdb, from)
	var r *Refusal
	if errors.As(err, &r) {
		return &Refusal{Rule: RefuseNotOwnFrom, Msg: "you may send only with From: your own address (" + u.Email +
			") or a list address whose senders_as names you, not " + from}
	}
	if err != nil {
		return err
	}
	ok, err := inListSet(ctx, s.rdb, l.gid, "senders_as", normAddr(u.Email))
	if err != nil || ok {
		return err
	}
	return &Refusal{Rule: RefuseSendAs, Msg: "only the members listed in the senders_as of " + l.address +
		" may send with From: " + l.address}
}

// MayPostUnverified is MayPost for a sender whose address claims one of
// the internal domains but whose mail came from outside the trusted
// networks without a passing DKIM signature of that domain: it is treated
// as an unknown external sender. block_external refuses it; members and
// listed refuse it too, since the address it claims, which is what those
// sets hold, is unproven; anyone admits it.
func (s *Store) MayPostUnverified(ctx context.Context, list, sender string) error {
	l, err := loadListRow(ctx, s.rdb, list)
	if err != nil {
		return err
	}
	return l.markHold(s.mayPostUnverified(l, normAddr(sender)))
}

// mayPostUnverified is MayPostUnverified's rule for the list l.
func (s *Store) mayPostUnverified(l *listRow, sender string) error {
	if !l.enabled {
		return refuseDisabled(l)
	}
	why := " (mail from " + sender + " must come through the organisation's mail servers or carry its DKIM signature)"
	switch {
	case l.blockExt:
		return &Refusal{Rule: RefuseUnverified, Msg: l.address + " accepts mail only from addresses in " +
			joinOr(s.opts.InternalDomains) + why}
	case l.restriction == SendAnyone:
		return nil
	case l.restriction == SendListed:
		return &Refusal{Rule: RefuseUnverified, Msg: l.address + " accepts mail only from the senders its masters listed" + why}
	}
	return &Refusal{Rule: RefuseUnverified, Msg: l.address + " accepts mail only from members" + why}
}
