package groups

import (
	"context"
	"strings"
)

// Action is what an actor wants to do with a group.
type Action int

const (
	// ActSee: know that the group exists; read its name, description and
	// members. Public groups: every user of the organisation (a guest
	// only when a member). Private groups: members.
	ActSee Action = iota
	// ActRead: read a feature's data. Members, with the feature on.
	ActRead
	// ActWrite: create or change a feature's data. Members, feature on.
	ActWrite
	// ActManage: edit settings, add and remove members and masters.
	ActManage
	// ActPurge: delete a feature's data.
	ActPurge
	// ActDelete: delete the group.
	ActDelete
)

// facts is what decide needs to know about a group and an actor.
type facts struct {
	exists   bool
	public   bool
	role     string // the actor's role in the group, "" for none
	guest    bool   // the actor is a user outside internal_domains
	features Features
	disabled map[string]bool // features off by policy
}

// decide answers every permission question of SPEC §1. It is the one place
// these rules live; everything else calls it through Authorize.
func decide(a Actor, f facts, act Action, feature string) error {
	if !f.exists {
		return errGroupNotFound()
	}
	member := f.role != ""
	master := f.role == RoleMaster
	if !f.public && !member && !a.Admin {
		return errGroupNotFound() // private: does not exist for outsiders
	}
	if f.guest && !member && !a.Admin {
		// A guest sees only the groups they belong to (SPEC §1
		// Visibility): a public group is as missing to them as a
		// private one.
		return errGroupNotFound()
	}
	switch act {
	case ActSee:
		return nil
	case ActRead, ActWrite:
		if !f.features.On(feature) || f.disabled[feature] {
			return errorf(ErrNotFound, "the %s feature is not available in this group", feature)
		}
		if member || (a.Admin && act == ActRead) {
			return nil
		}
		return errorf(ErrDenied, "only members of this group may use its %ss", feature)
	case ActManage, ActPurge, ActDelete:
		if mayManage(a, master) {
			return nil
		}
		return errorf(ErrDenied, "only masters of this group may do that")
	}
	return errorf(ErrDenied, "unknown action")
}

// Access is the outcome of a successful Authorize.
type Access struct {
	GroupID string
	Name    string
	Role    string // the actor's role, "" for none
	gid     int64
	// disabled: the features the organisation policy switches off.
	disabled map[string]bool
}

// Authorize answers whether actor may do act (on feature, for ActRead and
// ActWrite) to the group with the given id. It returns ErrNotFound for a
// group that is missing or that the actor may not know of, and ErrDenied
// when the actor sees the group but may not do this.
func (s *Store) Authorize(ctx context.Context, a Actor, groupID string, act Action, feature string) (*Access, error) {
	return s.authorizeQ(ctx, s.rdb, a, groupID, act, feature)
}

// authorizeQ is Authorize on q, a transaction or the readers.
func (s *Store) authorizeQ(ctx context.Context, q querier, a Actor, groupID string, act Action, feature string) (*Access, error) {
	f, acc, err := s.loadFacts(ctx, q, a, groupID)
	if err != nil {
		return nil, err
	}
	if err := decide(a, f, act, feature); err != nil {
		return nil, err
	}
	return acc, nil
}

func (s *Store) loadFacts(ctx context.Context, q querier, a Actor, groupID string) (facts, *Access, error) {
	var f facts
	acc := &Access{GroupID: groupID}
	var ff [5]bool
	var disabled string
	// One query: the group, the actor's role in it and the features the
	// organisation has switched off (asked on every DAV and IMAP request).
	err := q.QueryRowContext(ctx, `SELECT g.gid, g.name, g.public,
		g.f_message, g.f_note, g.f_event, g.f_task, g.f_folder,
		COALESCE((SELECT m.role FROM memberships m JOIN users u ON u.uid = m.uid
		          WHERE m.gid = g.gid AND u.email = ?), ''),
		COALESCE((SELECT disabled_features FROM policy WHERE one = 1), '')
		FROM groups g WHERE g.id = ?`, a.Email, groupID).
		Scan(&acc.gid, &acc.Name, &f.public, &ff[0], &ff[1], &ff[2], &ff[3], &ff[4], &acc.Role, &disabled)
	if err == errNoRows {
		return f, nil, errGroupNotFound()
	}
	if err != nil {
		return f, nil, err
	}
	f.exists = true
	f.role = acc.Role
	f.guest = a.Email != "" && !a.Admin && !s.IsInternal(a.Email)
	f.features = Features{ff[0], ff[1], ff[2], ff[3], ff[4]}
	f.disabled = map[string]bool{}
	if disabled != "" {
		for _, d := range strings.Split(disabled, ",") {
			f.disabled[d] = true
		}
	}
	acc.disabled = f.disabled
	return f, acc, nil
}

// mayManage: masters, and admins, manage a group (SPEC §1 Roles).
func mayManage(a Actor, master bool) bool { return master || a.Admin }
