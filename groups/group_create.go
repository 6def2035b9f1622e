package groups

import (
	"context"
	"errors"
)

// CreateGroup creates a group (SPEC §1). The creating user becomes master
// and member; an admin creating a group names at least one master.
func (s *Store) CreateGroup(ctx context.Context, a Actor, spec GroupSpec) (*Group, error) {
	if !a.Admin && a.Email == "" {
		return nil, errorf(ErrUnauthenticated, "log in to create a group")
	}
	if spec.Name == nil {
		return nil, errorf(ErrInvalid, "name is required")
	}
	var id string
	err := s.write(ctx, func(tx *wtx) error {
		var err error
		id, err = s.createGroupTx(ctx, tx, a, spec)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.GetGroup(ctx, a, id)
}

// chooseID validates a requested id or derives one from the name; an id
// in use or retired is a conflict when requested, skipped when derived
// (see freeID in preview.go). Every collision answers in the same words.
func (s *Store) chooseID(ctx context.Context, q querier, want *string, name string) (string, error) {
	if want == nil {
		return s.freeID(ctx, q, derivedBase(name, s.reserved()))
	}
	if err := checkID(*want, s.reserved()); err != nil {
		return "", err
	}
	taken, err := idTaken(ctx, q, *want)
	if err != nil {
		return "", err
	}
	if taken {
		return "", errUnavailable(*want)
	}
	return *want, nil
}

// listDefaults gives a new group's list the settings its creator left
// out (SPEC §1 Mailing list). A public group's list takes mail from
// anyone in the organisation (the seed: you can mail a group you do not
// belong to): "anyone" with block_external on, so that outsiders are
// refused until a master opens the list. A private group's list takes
// mail from members only, since the group does not exist for anyone
// else. block_external is on by default only for a public "anyone" list:
// with "members" or "listed" it would refuse the very external members or
// listed outsiders the creator named. Edits never apply defaults: an
// existing list, or a group made private later, keeps what it has.
func listDefaults(l *MailingList, public bool, spec *ListSpec) {
	if spec == nil {
		spec = &ListSpec{}
	}
	if spec.SendRestriction == nil {
		l.SendRestriction = SendMembers
		if public {
			l.SendRestriction = SendAnyone
		}
	}
	if spec.BlockExternal == nil {
		l.BlockExternal = public && l.SendRestriction == SendAnyone
	}
	if spec.Moderation == nil {
		l.Moderation = ModerateNone
	}
}

// idTaken reports whether id belongs to a group, was retired, or is a
// word of the API's own paths (GET /api/v1/groups/preview would hide a
// group of that id).
func idTaken(ctx context.Context, q querier, id string) (bool, error) {
	if id == "preview" {
		return true, nil
	}
	var n int
	err := q.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM groups WHERE id = ?) +
		(SELECT COUNT(*) FROM retired_ids WHERE id = ?)`, id, id).Scan(&n)
	return n > 0, err
}

// initialMembers returns the masters and plain members of a new group.
func (s *Store) initialMembers(a Actor, spec GroupSpec) (masters, members []string, err error) {
	if masters, err = normEmails("masters", spec.Masters); err != nil {
		return nil, nil, err
	}
	if members, err = normEmails("members", spec.Members); err != nil {
		return nil, nil, err
	}
	if a.Email != "" && !contains(masters, a.Email) {
		masters = append([]string{a.Email}, masters...)
	}
	if len(masters) == 0 {
		return nil, nil, errorf(ErrInvalid, "a group needs at least one master")
	}
	return masters, members, nil
}

func insertGroup(ctx context.Context, tx *wtx, g *Group) (int64, error) {
	f, l := g.Features, g.MailingList
	var gid int64
	err := tx.QueryRowContext(ctx, `INSERT INTO groups (id, name, name_fold, description, public, external, notify,
		f_message, f_note, f_event, f_task, f_folder, list_enabled, list_address, send_restriction, block_external,
		moderation, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING gid`,
		g.ID, g.Name, fold(g.Name), g.Description, g.Public, g.External, g.Notify,
		f.Message, f.Note, f.Event, f.Task, f.Folder, l.Enabled, l.Address, l.SendRestriction, l.BlockExternal,
		l.Moderation, tx.unix(), tx.unix()).Scan(&gid)
	if tx.isUnique(err) {
		return 0, errUnavailable(l.Address)
	}
	if err != nil {
		return 0, err
	}
	return gid, writeTerms(ctx, tx, gid, g.Name, l.Address)
}

// insertMembers adds masters then members, all of which must be users.
func (s *Store) insertMembers(ctx context.Context, tx *wtx, gid int64, external bool, masters, members []string) error {
	for _, m := range members {
		if contains(masters, m) {
			continue
		}
		if err := s.putMember(ctx, tx, gid, external, m, RoleMember); err != nil {
			return err
		}
	}
	for _, m := range masters {
		if err := s.putMember(ctx, tx, gid, external, m, RoleMaster); err != nil {
			return err
		}
	}
	return nil
}

// putMember inserts or updates one membership.
func (s *Store) putMember(ctx context.Context, tx *wtx, gid int64, external bool, email, role string) error {
	var uid int64
	err := tx.QueryRowContext(ctx, `SELECT uid FROM users WHERE email = ?`, email).Scan(&uid)
	if errors.Is(err, errNoRows) {
		return errorf(ErrInvalid, "%s has no account; create the user first", email)
	}
	if err != nil {
		return err
	}
	if !external && !s.IsInternal(email) {
		return errorf(ErrInvalid, "%s is outside the organisation; only an external group may hold them", email)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO memberships (gid, uid, role) VALUES (?, ?, ?)
		ON CONFLICT (gid, uid) DO UPDATE SET role = excluded.role`, gid, uid, role)
	return err
}
