package groups

import (
	"context"
	"strings"
)

// describeGroup is the body of a creation notice: the new group's
// settings and people, masters first, each named by name and address.
func (s *Store) describeGroup(ctx context.Context, q querier, gid int64, g *Group) ([]string, error) {
	masters, err := scanStrings(q.QueryContext(ctx, `SELECT u.email FROM memberships m JOIN users u ON u.uid = m.uid
		WHERE m.gid = ? AND m.role = 'master' ORDER BY u.email`, gid))
	if err != nil {
		return nil, err
	}
	members, err := scanStrings(q.QueryContext(ctx, `SELECT u.email FROM memberships m JOIN users u ON u.uid = m.uid
		WHERE m.gid = ? AND m.role = 'member' ORDER BY u.email`, gid))
	if err != nil {
		return nil, err
	}
	if masters, err = s.people(ctx, q, masters); err != nil {
		return nil, err
	}
	if members, err = s.people(ctx, q, members); err != nil {
		return nil, err
	}
	c := s.notices
	line := func(key, v string) string { return c.T("field.line", c.T(key), c.Value(v)) }
	return []string{
		line("field.name", g.Name),
		line("field.description", g.Description),
		line("field.public", yesNo(c, g.Public)),
		line("field.list.address", g.MailingList.Address),
		line("field.masters", strings.Join(masters, ", ")),
		line("field.members", strings.Join(members, ", ")),
	}, nil
}

// diffGroups says in lines what changed between two versions of a group,
// for the notification mail; none when nothing a member cares about did.
// Empty values read as "(none)"; the list's member addresses are named
// by named.
func diffGroups(c Notices, a, b *Group, named func([]string) []string) []string {
	var out []string
	change := func(label, from, to string) {
		if from != to {
			out = append(out, c.T("field.change", label, c.Value(from), c.Value(to)))
		}
	}
	list := func(v []string) string { return strings.Join(named(v), ", ") }
	change(c.T("field.name"), a.Name, b.Name)
	change(c.T("field.description"), a.Description, b.Description)
	change(c.T("field.public"), yesNo(c, a.Public), yesNo(c, b.Public))
	change(c.T("field.external"), yesNo(c, a.External), yesNo(c, b.External))
	change(c.T("field.notify"), onOff(c, a.Notify), onOff(c, b.Notify))
	for _, f := range AllFeatures() {
		change(c.T("field.feature", c.T("feature."+f)), onOff(c, a.Features.On(f)), onOff(c, b.Features.On(f)))
	}
	la, lb := a.MailingList, b.MailingList
	change(c.T("field.list.enabled"), onOff(c, la.Enabled), onOff(c, lb.Enabled))
	change(c.T("field.list.address"), la.Address, lb.Address)
	change(c.T("field.list.restriction"), sendText(c, la.SendRestriction), sendText(c, lb.SendRestriction))
	change(c.T("field.list.block_external"), onOff(c, la.BlockExternal), onOff(c, lb.BlockExternal))
	change(c.T("field.list.moderation"), c.T("moderation."+la.Moderation), c.T("moderation."+lb.Moderation))
	change(c.T("field.list.external_members"), strings.Join(la.ExternalMembers, ", "), strings.Join(lb.ExternalMembers, ", "))
	change(c.T("field.list.senders_as"), list(la.SendersAs), list(lb.SendersAs))
	change(c.T("field.list.allowed"), strings.Join(la.Allowed, ", "), strings.Join(lb.Allowed, ", "))
	return out
}

func yesNo(c Notices, v bool) string {
	if v {
		return c.T("value.yes")
	}
	return c.T("value.no")
}

func onOff(c Notices, v bool) string {
	if v {
		return c.T("value.on")
	}
	return c.T("value.off")
}

// sendText is a send restriction in words; an unknown one as it is.
func sendText(c Notices, v string) string {
	switch v {
	case SendAnyone, SendMembers, SendListed:
		return c.T("send." + v)
	}
	return v
}
