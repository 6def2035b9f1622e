package groups

import (
	"context"
	"strings"
)

func fold(s string) string { return strings.ToLower(s) }

// applySpec validates spec and applies it onto g, for creation and edits.
func (s *Store) applySpec(ctx context.Context, tx *wtx, a Actor, pol *Policy, g *Group, spec GroupSpec) error {
	if spec.Name != nil {
		if err := checkName(*spec.Name); err != nil {
			return err
		}
		g.Name = *spec.Name
	}
	if spec.Description != nil {
		if err := checkText("description", *spec.Description, 0, MaxDescriptionChars); err != nil {
			return err
		}
		g.Description = *spec.Description
	}
	if spec.Public != nil {
		g.Public = *spec.Public
	}
	if spec.Notify != nil {
		g.Notify = *spec.Notify
	}
	if spec.External != nil && *spec.External != g.External {
		if err := s.checkExternal(ctx, tx, a, *spec.External); err != nil {
			return err
		}
		g.External = *spec.External
	}
	if spec.Features != nil {
		if err := applyFeatures(pol, &g.Features, spec.Features); err != nil {
			return err
		}
	}
	if spec.MailingList != nil {
		return s.applyList(&g.MailingList, spec.MailingList)
	}
	return nil
}

// checkExternal: making a group external needs the external_groups
// authority (admins have it).
func (s *Store) checkExternal(ctx context.Context, tx *wtx, a Actor, on bool) error {
	if !on || a.Admin {
		return nil
	}
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM external_authority x JOIN users u ON u.uid = x.uid
		WHERE u.email = ?`, a.Email).Scan(&n)
	if err != nil {
		return err
	}
	if n == 0 {
		return errorf(ErrDenied, "creating an external group needs the external_groups authority, which an administrator grants")
	}
	return nil
}

// applyFeatures switches features; turning on one that the policy
// disables is refused (a master cannot override the organisation).
func applyFeatures(pol *Policy, f *Features, spec *FeatureSpec) error {
	var err error
	disabled := pol.disabledSet()
	spec.each(func(name string, v *bool) {
		if v == nil || err != nil {
			return
		}
		if *v && disabled[name] {
			err = errorf(ErrDenied, "the %s feature is disabled by the organisation policy; a master cannot turn it on", name)
			return
		}
		f.Set(name, *v)
	})
	return err
}

func (s *Store) applyList(l *MailingList, spec *ListSpec) error {
	var err error
	if spec.Enabled != nil {
		l.Enabled = *spec.Enabled
	}
	if spec.Address != nil {
		if l.Address, err = s.checkListAddress(*spec.Address); err != nil {
			return err
		}
	}
	if spec.SendRestriction != nil {
		switch *spec.SendRestriction {
		case SendAnyone, SendMembers, SendListed:
			l.SendRestriction = *spec.SendRestriction
		default:
			return errorf(ErrInvalid, "mailing_list.send_restriction must be anyone, members or listed, not %q", *spec.SendRestriction)
		}
	}
	if spec.BlockExternal != nil {
		l.BlockExternal = *spec.BlockExternal
	}
	if spec.Moderation != nil {
		switch *spec.Moderation {
		case ModerateNone, ModerateOutsiders, ModerateAll:
			l.Moderation = *spec.Moderation
		default:
			return errorf(ErrInvalid, "mailing_list.moderation must be none, outsiders or all, not %q", *spec.Moderation)
		}
	}
	sets := []struct {
		field string
		in    *[]string
		out   *[]string
	}{
		{"mailing_list.external_members", spec.ExternalMembers, &l.ExternalMembers},
		{"mailing_list.senders_as", spec.SendersAs, &l.SendersAs},
		{"mailing_list.allowed", spec.Allowed, &l.Allowed},
	}
	for _, set := range sets {
		if set.in == nil {
			continue
		}
		if *set.out, err = normEmails(set.field, *set.in); err != nil {
			return err
		}
	}
	return nil
}

// saveListSets replaces the list's address sets. senders_as must name
// members of the group.
func (s *Store) saveListSets(ctx context.Context, tx *wtx, gid int64, l *MailingList) error {
	// External addresses that stay keep their delivery mode and digest
	// mark (issue 13): only those that go are deleted.
	if _, err := tx.ExecContext(ctx, `DELETE FROM list_addresses WHERE gid = ? AND kind <> 'external'`, gid); err != nil {
		return err
	}
	// One statement per address that goes: a list may have more addresses
	// than a statement may have parameters (SQLite 32,766).
	had, err := queryStrings(ctx, tx, `SELECT address FROM list_addresses WHERE gid = ? AND kind = 'external'`, gid)
	if err != nil {
		return err
	}
	stays := make(map[string]bool, len(l.ExternalMembers))
	for _, a := range l.ExternalMembers {
		stays[a] = true
	}
	for _, a := range had {
		if stays[a] {
			continue
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM list_addresses WHERE gid = ? AND kind = 'external' AND address = ?`,
			gid, a); err != nil {
			return err
		}
	}
	for _, addr := range l.SendersAs {
		var n int
		err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM memberships m JOIN users u ON u.uid = m.uid
			WHERE m.gid = ? AND u.email = ?`, gid, addr).Scan(&n)
		if err != nil {
			return err
		}
		if n == 0 {
			return errorf(ErrInvalid, "mailing_list.senders_as: %s is not a member of this group", addr)
		}
	}
	for kind, list := range map[string][]string{"external": l.ExternalMembers, "senders_as": l.SendersAs, "allowed": l.Allowed} {
		for _, addr := range list {
			if _, err := tx.ExecContext(ctx, `INSERT INTO list_addresses (gid, kind, address) VALUES (?, ?, ?)
				ON CONFLICT (gid, kind, address) DO NOTHING`, gid, kind, addr); err != nil {
				return err
			}
		}
	}
	return syncUnsubKeys(ctx, tx, gid)
}
