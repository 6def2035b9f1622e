package groups

import (
	"context"
	"errors"
)

const groupColumns = `g.gid, g.id, g.name, g.description, g.public, g.external, g.notify,
	g.f_message, g.f_note, g.f_event, g.f_task, g.f_folder,
	g.list_enabled, g.list_address, g.send_restriction, g.block_external, g.moderation,
	g.created_at, g.updated_at, EXISTS (SELECT 1 FROM profiles p WHERE p.gid = g.gid)`

// loadGroup reads the whole group with the given id, members and list
// address sets included.
func loadGroup(ctx context.Context, q querier, id string) (*Group, int64, error) {
	g := &Group{}
	var gid, created, updated int64
	f, l := &g.Features, &g.MailingList
	err := q.QueryRowContext(ctx, `SELECT `+groupColumns+` FROM groups g WHERE g.id = ?`, id).Scan(
		&gid, &g.ID, &g.Name, &g.Description, &g.Public, &g.External, &g.Notify,
		&f.Message, &f.Note, &f.Event, &f.Task, &f.Folder,
		&l.Enabled, &l.Address, &l.SendRestriction, &l.BlockExternal, &l.Moderation,
		&created, &updated, &g.HasProfile)
	if errors.Is(err, errNoRows) {
		return nil, 0, errGroupNotFound()
	}
	if err != nil {
		return nil, 0, err
	}
	g.Created, g.Updated = unixTime(created), unixTime(updated)
	g.FeaturesChosen = g.Features
	if err := loadMembers(ctx, q, gid, g); err != nil {
		return nil, 0, err
	}
	if err := loadListSets(ctx, q, gid, l); err != nil {
		return nil, 0, err
	}
	return g, gid, nil
}

func loadMembers(ctx context.Context, q querier, gid int64, g *Group) error {
	rows, err := q.QueryContext(ctx, `SELECT u.email, m.role FROM memberships m
		JOIN users u ON u.uid = m.uid WHERE m.gid = ? ORDER BY u.email`, gid)
	if err != nil {
		return err
	}
	defer rows.Close()
	g.Masters, g.Members = []string{}, []string{}
	for rows.Next() {
		var email, role string
		if err := rows.Scan(&email, &role); err != nil {
			return err
		}
		g.Members = append(g.Members, email)
		if role == RoleMaster {
			g.Masters = append(g.Masters, email)
		}
	}
	return rows.Err()
}

func loadListSets(ctx context.Context, q querier, gid int64, l *MailingList) error {
	rows, err := q.QueryContext(ctx, `SELECT kind, address FROM list_addresses WHERE gid = ? ORDER BY address`, gid)
	if err != nil {
		return err
	}
	defer rows.Close()
	l.ExternalMembers, l.SendersAs, l.Allowed = []string{}, []string{}, []string{}
	for rows.Next() {
		var kind, addr string
		if err := rows.Scan(&kind, &addr); err != nil {
			return err
		}
		switch kind {
		case "external":
			l.ExternalMembers = append(l.ExternalMembers, addr)
		case "senders_as":
			l.SendersAs = append(l.SendersAs, addr)
		case "allowed":
			l.Allowed = append(l.Allowed, addr)
		}
	}
	return rows.Err()
}

// GetGroup reads a group as actor may see it. Outsiders of a public group
// see its name, description, members and list address, not the list's
// address sets; a private group does not exist for them, nor, to a
// guest, a group they do not belong to. Features reads what is in force
// (see features_force.go).
func (s *Store) GetGroup(ctx context.Context, a Actor, id string) (*Group, error) {
	acc, err := s.Authorize(ctx, a, id, ActSee, "")
	if err != nil {
		return nil, err
	}
	g, _, err := loadGroup(ctx, s.rdb, id)
	if err != nil {
		return nil, err
	}
	g.Role = acc.Role
	g.CanManage = mayManage(a, acc.Role == RoleMaster)
	inForce(g, acc.disabled)
	if acc.Role == "" && !a.Admin {
		g.MailingList.ExternalMembers = []string{}
		g.MailingList.SendersAs = []string{}
		g.MailingList.Allowed = []string{}
	}
	return g, nil
}

// GroupByAddress returns the group whose list address is addr, for the
// mail server (which has no actor: it applies the list's own rules).
func (s *Store) GroupByAddress(ctx context.Context, addr string) (*Group, error) {
	var id string
	err := s.rdb.QueryRowContext(ctx, `SELECT id FROM groups WHERE list_address = ?`, normAddr(addr)).Scan(&id)
	if errors.Is(err, errNoRows) {
		return nil, errorf(ErrNotFound, "no list %s", addr)
	}
	if err != nil {
		return nil, err
	}
	g, _, err := loadGroup(ctx, s.rdb, id)
	return g, err
}
