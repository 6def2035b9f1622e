package groups

import (
	"context"
	"errors"
)

// A private group does not exist for non-members (SPEC §1 Visibility),
// and that includes mail: its list address and every companion address
// (-owner, -join, -bounces) answer a sender the list's settings do not
// accept exactly as an address that does not exist (SPEC §4), with the
// same error at the same step. This file is that rule.

// Sender is who a message comes from, as the mail server knows it.
type Sender struct {
	// Address is the envelope sender (RFC 5321 §4.1.1.2), "" for the
	// null sender of a bounce.
	Address string
	// Verified: the address is proven, because the connection comes from
	// a trusted network (the organisation's MTAs) or is an authenticated
	// submission. An internal address that is not verified is treated as
	// an unknown external sender (SPEC §4 anti-spoofing).
	Verified bool
}

// mailVisible reports whether the group of list l exists for sender
// from: a public group always; a private one for its members, the list's
// external members, and any sender whose post the list's settings
// accept (a listed sender, or anyone once a master has set the list to
// "anyone": the master's choice to publish the address).
func (s *Store) mailVisible(ctx context.Context, q querier, l *listRow, from Sender) (bool, error) {
	if l.public {
		return true, nil
	}
	addr := normAddr(from.Address)
	if addr == "" {
		return false, nil // a bounce: no sender to be accepted
	}
	if !from.Verified && s.IsInternal(addr) {
		// Only DATA can show a DKIM signature; at RCPT the claim is
		// unproven, and a claimed member's address must not reveal the
		// group (nor that the address belongs to it).
		return s.mayPostUnverified(l, addr) == nil, nil
	}
	known, err := knownSender(ctx, q, l.gid, addr)
	if known || err != nil {
		return known, err
	}
	err = s.mayPost(ctx, q, l, addr)
	var r *Refusal
	if errors.As(err, &r) {
		return false, nil
	}
	return err == nil, err
}

// knownSender: addr is a member (any role) or an external member of the
// list of group gid, and so knows that the group exists.
func knownSender(ctx context.Context, q querier, gid int64, addr string) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM memberships m JOIN users u ON u.uid = m.uid
		WHERE m.gid = ? AND u.email = ?) + (SELECT COUNT(*) FROM list_addresses
		WHERE gid = ? AND kind = 'external' AND address = ?)`, gid, addr, gid, addr).Scan(&n)
	return n > 0, err
}

// errNoMailAddress is the answer for a hosted address that is not a list
// or a companion of one, and for a private group's address that the
// sender may not know of: the two must not differ by a byte.
func errNoMailAddress(addr string) error {
	return errorf(ErrNotFound, "there is no list %s here", addr)
}
