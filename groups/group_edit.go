package groups

import "context"

// UpdateGroup edits a group's settings. Masters and admins only. Members
// change through SetMember and RemoveMember, not here.
func (s *Store) UpdateGroup(ctx context.Context, a Actor, id string, spec GroupSpec) (*Group, error) {
	if spec.ID != nil && *spec.ID != id {
		return nil, errorf(ErrInvalid, "a group's id never changes")
	}
	if spec.Masters != nil || spec.Members != nil {
		return nil, errorf(ErrInvalid, "change masters and members through /groups/%s/members", id)
	}
	err := s.write(ctx, func(tx *wtx) error {
		f, _, err := s.loadFacts(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if err := decide(a, f, ActManage, ""); err != nil {
			return err
		}
		g, gid, err := loadGroup(ctx, tx, id)
		if err != nil {
			return err
		}
		before := *g
		pol, err := s.policy(ctx, tx)
		if err != nil {
			return err
		}
		spec.Features = keepChosen(pol, spec.Features)
		if err := s.applySpec(ctx, tx, a, pol, g, spec); err != nil {
			return err
		}
		if before.External && !g.External {
			if err := s.checkNoOutsiders(ctx, tx, gid); err != nil {
				return err
			}
		}
		if err := updateGroupRow(ctx, tx, gid, g); err != nil {
			return err
		}
		if spec.MailingList != nil {
			if err := s.saveListSets(ctx, tx, gid, &g.MailingList); err != nil {
				return err
			}
		}
		tx.emit(Change{Kind: ChangeGroupUpdated, GroupID: id})
		if !g.Notify {
			return nil
		}
		if c := s.settingsChange(ctx, tx, &before, g); c != nil {
			return s.notifyGroup(ctx, tx, gid, a, GroupNotice{Event: GroupEdited, Group: g.Name, Settings: c})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.GetGroup(ctx, a, id)
}

func updateGroupRow(ctx context.Context, tx *wtx, gid int64, g *Group) error {
	f, l := g.Features, g.MailingList
	_, err := tx.ExecContext(ctx, `UPDATE groups SET name = ?, name_fold = ?, description = ?, public = ?,
		external = ?, notify = ?, f_message = ?, f_note = ?, f_event = ?, f_task = ?, f_folder = ?,
		list_enabled = ?, list_address = ?, send_restriction = ?, block_external = ?, moderation = ?, updated_at = ?
		WHERE gid = ?`, g.Name, fold(g.Name), g.Description, g.Public, g.External, g.Notify,
		f.Message, f.Note, f.Event, f.Task, f.Folder, l.Enabled, l.Address, l.SendRestriction, l.BlockExternal,
		l.Moderation, tx.unix(), gid)
	if tx.isUnique(err) {
		return errUnavailable(l.Address)
	}
	if err != nil {
		return err
	}
	return writeTerms(ctx, tx, gid, g.Name, l.Address)
}

func (s *Store) checkNoOutsiders(ctx context.Context, tx *wtx, gid int64) error {
	rows, err := tx.QueryContext(ctx, `SELECT u.email FROM memberships m JOIN users u ON u.uid = m.uid WHERE m.gid = ?`, gid)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var e string
		if err := rows.Scan(&e); err != nil {
			return err
		}
		if !s.IsInternal(e) {
			return errorf(ErrConflict, "%s is outside the organisation; remove them before making the group internal", e)
		}
	}
	return rows.Err()
}
