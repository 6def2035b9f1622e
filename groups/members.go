package groups

import (
	"context"
	"errors"
	"strings"
)

// Member is one membership of a group.
type Member struct {
	Email string `json:"email"`
	Name  string `json:"name"`
	Role  string `json:"role"`
}

// Members lists a group's members (masters included) as actor may see them.
func (s *Store) Members(ctx context.Context, a Actor, id string) ([]Member, error) {
	if _, err := s.Authorize(ctx, a, id, ActSee, ""); err != nil {
		return nil, err
	}
	rows, err := s.rdb.QueryContext(ctx, `SELECT u.email, u.name, m.role FROM memberships m
		JOIN users u ON u.uid = m.uid JOIN groups g ON g.gid = m.gid
		WHERE g.id = ? ORDER BY u.email`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Member{}
	for rows.Next() {
		var m Member
		if err := rows.Scan(&m.Email, &m.Name, &m.Role); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// SetMember adds email to the group with role, or changes their role.
// Masters and admins only; the last master cannot be demoted.
func (s *Store) SetMember(ctx context.Context, a Actor, id, email, role string) error {
	if role != RoleMaster && role != RoleMember {
		return errorf(ErrInvalid, "role must be master or member, not %q", role)
	}
	email, err := normEmail("email", email)
	if err != nil {
		return err
	}
	return s.write(ctx, func(tx *wtx) error {
		gid, external, current, err := s.manageMember(ctx, tx, a, id, email)
		if err != nil {
			return err
		}
		if current == role {
			return nil
		}
		if current == RoleMaster {
			if err := lastMasterCheck(ctx, tx, gid, email, "demoted"); err != nil {
				return err
			}
		}
		if err := s.putMember(ctx, tx, gid, external, email, role); err != nil {
			return err
		}
		if current == "" {
			tx.emit(Change{Kind: ChangeMemberAdded, GroupID: id, User: email})
		} else {
			tx.emit(Change{Kind: ChangeGroupUpdated, GroupID: id, User: email})
		}
		what, err := s.memberChange(ctx, tx, email, current, role)
		if err != nil {
			return err
		}
		return s.notifyEdit(ctx, tx, gid, a, what, email)
	})
}

// RemoveMember takes email out of the group. They lose access at once;
// what they posted stays, and they are told with the members. Members
// cannot leave by themselves (SPEC §1): a member removing themselves is
// told so, rather than the generic refusal.
func (s *Store) RemoveMember(ctx context.Context, a Actor, id, email string) error {
	email = strings.ToLower(email)
	return s.write(ctx, func(tx *wtx) error {
		if email == a.Email && !a.Admin {
			if f, _, err := s.loadFacts(ctx, tx, a, id); err == nil && f.role == RoleMember {
				return errorf(ErrDenied, "members cannot leave a group by themselves; only its masters remove members, so ask one of them")
			}
		}
		gid, _, current, err := s.manageMember(ctx, tx, a, id, email)
		if err != nil {
			return err
		}
		if current == "" {
			return errorf(ErrNotFound, "%s is not a member of this group", email)
		}
		if current == RoleMaster {
			if err := lastMasterCheck(ctx, tx, gid, email, "removed"); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM memberships WHERE gid = ?
			AND uid = (SELECT uid FROM users WHERE email = ?)`, gid, email); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM list_addresses WHERE gid = ? AND kind = 'senders_as'
			AND address = ?`, gid, email); err != nil {
			return err
		}
		tx.emit(Change{Kind: ChangeMemberRemoved, GroupID: id, User: email})
		what, err := s.memberChange(ctx, tx, email, current, "")
		if err != nil {
			return err
		}
		return s.notifyEdit(ctx, tx, gid, a, what, email)
	})
}

// manageMember checks that a may manage the group's members and returns
// the group's row id, whether it is external, and email's current role.
func (s *Store) manageMember(ctx context.Context, tx *wtx, a Actor, id, email string) (int64, bool, string, error) {
	f, acc, err := s.loadFacts(ctx, tx, a, id)
	if err != nil {
		return 0, false, "", err
	}
	if err := decide(a, f, ActManage, ""); err != nil {
		return 0, false, "", err
	}
	var external bool
	var role string
	err = tx.QueryRowContext(ctx, `SELECT g.external, COALESCE((SELECT m.role FROM memberships m
		JOIN users u ON u.uid = m.uid WHERE m.gid = g.gid AND u.email = ?), '')
		FROM groups g WHERE g.gid = ?`, email, acc.gid).Scan(&external, &role)
	if errors.Is(err, errNoRows) {
		return 0, false, "", errGroupNotFound()
	}
	return acc.gid, external, role, err
}

func lastMasterCheck(ctx context.Context, tx *wtx, gid int64, email, what string) error {
	var others int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM memberships m JOIN users u ON u.uid = m.uid
		WHERE m.gid = ? AND m.role = 'master' AND u.email <> ?`, gid, email).Scan(&others)
	if err != nil {
		return err
	}
	if others == 0 {
		return errorf(ErrConflict, "%s is the last master of this group and cannot be %s; make someone else master first", email, what)
	}
	return nil
}
