package groups

import "context"

// createGroupTx is the body of CreateGroup's transaction, shared with
// ConvertConversation so that a converted group obeys every rule of a
// created one: the policy, the id, the settings, the initial members, the
// list's address sets and the creation notice. It returns the new id.
func (s *Store) createGroupTx(ctx context.Context, tx *wtx, a Actor, spec GroupSpec) (string, error) {
	g := &Group{Name: *spec.Name, Public: true, Notify: true, Features: AllOn(),
		MailingList: MailingList{Enabled: true}}
	pol, err := s.policy(ctx, tx)
	if err != nil {
		return "", err
	}
	if pol.CreateGroups == "admins" && !a.Admin {
		return "", errorf(ErrDenied, "the organisation policy lets only administrators create groups")
	}
	id, err := s.chooseID(ctx, tx, spec.ID, *spec.Name)
	if err != nil {
		return "", err
	}
	g.ID = id
	g.MailingList.Address = id + "@" + s.opts.MailDomains[0]
	if err := s.applySpec(ctx, tx, a, pol, g, spec); err != nil {
		return "", err
	}
	listDefaults(&g.MailingList, g.Public, spec.MailingList)
	masters, members, err := s.initialMembers(a, spec)
	if err != nil {
		return "", err
	}
	gid, err := insertGroup(ctx, tx, g)
	if err != nil {
		return "", err
	}
	if err := s.insertMembers(ctx, tx, gid, g.External, masters, members); err != nil {
		return "", err
	}
	if err := s.saveListSets(ctx, tx, gid, &g.MailingList); err != nil {
		return "", err
	}
	tx.emit(Change{Kind: ChangeGroupCreated, GroupID: id})
	if g.Notify {
		n, err := s.createdNotice(ctx, tx, gid, g)
		if err != nil {
			return "", err
		}
		if err := s.notifyGroup(ctx, tx, gid, a, n); err != nil {
			return "", err
		}
	}
	return id, nil
}
