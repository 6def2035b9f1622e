package groups

import (
	"context"
	"crypto/sha256"
	"encoding/base32"
	"fmt"
)

// IDPreview is what creating a group would give it: the id and the list
// address, shown to a client before creation so that it can offer them
// for editing.
type IDPreview struct {
	// ID is a free id: the one asked for when it is free, else the
	// first free one made from it (or from the name).
	ID string `json:"id"`
	// Address is the default list address of ID.
	Address string `json:"address"`
	// Available: the id asked for (or, with a name alone, the proposed
	// one) can be created as it is.
	Available bool `json:"available"`
}

// PreviewGroupID runs chooseID's logic read-only: with wantID, whether
// that id and its list address are free; with a name alone, the id that
// CreateGroup would derive from it. Every collision (a private group's
// id, a public one's, a retired id, an address in use) reads the same:
// available false, and a free id proposed. Anyone who may create groups
// may ask.
func (s *Store) PreviewGroupID(ctx context.Context, a Actor, name, wantID string) (*IDPreview, error) {
	if !a.Admin && a.Email == "" {
		return nil, errorf(ErrUnauthenticated, "log in to create a group")
	}
	pol, err := s.policy(ctx, s.rdb)
	if err != nil {
		return nil, err
	}
	if pol.CreateGroups == "admins" && !a.Admin {
		return nil, errorf(ErrDenied, "the organisation policy lets only administrators create groups")
	}
	base := wantID
	switch {
	case wantID != "":
		if err := checkID(wantID, s.reserved()); err != nil {
			return nil, err
		}
	case name == "":
		return nil, errorf(ErrInvalid, "name or id is required")
	default:
		if err := checkName(name); err != nil {
			return nil, err
		}
		base = derivedBase(name, s.reserved())
	}
	id, err := s.freeID(ctx, s.rdb, base)
	if err != nil {
		return nil, err
	}
	return &IDPreview{ID: id, Address: s.defaultAddress(id), Available: wantID == "" || id == wantID}, nil
}

// derivedBase is the id a name asks for: deriveID's spelling, or, for a
// name with nothing to spell (CJK ideographs, say), "group-" and four
// base32 letters of the name's hash, so that such groups get short
// distinct ids rather than group, group-2, …. The same name always asks
// for the same id, so a preview and the creation after it agree.
func derivedBase(name string, reserved []string) string {
	if id := deriveID(name, reserved); id != "" {
		return id
	}
	sum := sha256.Sum256([]byte(name))
	enc := base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)
	return "group-" + enc.EncodeToString(sum[:])[:4]
}

// freeID returns base, or base-2, base-3, …: the first that is a valid
// id, not taken (idTaken) and whose default list address no other group
// uses.
func (s *Store) freeID(ctx context.Context, q querier, base string) (string, error) {
	for n := 1; ; n++ {
		id := base
		if n > 1 {
			id = fmt.Sprintf("%s-%d", base, n)
		}
		if checkID(id, s.reserved()) != nil {
			continue // base ends in a companion suffix: base-2 does not
		}
		taken, err := idTaken(ctx, q, id)
		if err == nil && !taken {
			taken, err = s.addressTaken(ctx, q, s.defaultAddress(id))
		}
		if err != nil {
			return "", err
		}
		if !taken {
			return id, nil
		}
	}
}

// defaultAddress is the list address a new group with this id gets.
func (s *Store) defaultAddress(id string) string { return id + "@" + s.opts.MailDomains[0] }

func (s *Store) addressTaken(ctx context.Context, q querier, addr string) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM groups WHERE list_address = ?`, addr).Scan(&n)
	return n > 0, err
}

// errUnavailable answers every collision of an id or list address in the
// same words, whether the id or address belongs to a private group, a
// public one or a deleted one: which it is is nobody's business.
func errUnavailable(what string) error {
	return errorf(ErrConflict, "%q is not available: it is or was in use; choose another (GET /api/v1/groups/preview proposes a free id)", what)
}
