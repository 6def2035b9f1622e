package notice

import (
	"fmt"
	"strings"

	"groupd/groups"
)

// group writes the Group notification (SPEC §1 Notifications): who did
// what to the group, the settings (at creation) or those that changed,
// what else happened, and why the reader gets it.
func (c *Catalog) group(b *Body, n groups.GroupNotice) (string, error) {
	if err := oneOf("group notice", n.Event, groups.GroupCreated, groups.GroupEdited, groups.GroupDeleted); err != nil {
		return "", err
	}
	who := c.T("actor.admin")
	if n.By.Email != "" {
		who = person(n.By)
	}
	b.Para(c.T("group."+n.Event+".intro", n.Group, who))
	if n.New != nil {
		b.Lines(c.describe(n)...)
	}
	if n.Settings != nil {
		lines, err := c.changes(n.Settings)
		if err != nil {
			return "", err
		}
		b.Lines(lines...)
	}
	if m := n.Member; m != nil {
		b.Para(c.member(m))
	}
	if n.External != "" {
		b.Para(c.T("join.external.added", n.External))
	}
	if n.Profile {
		b.Para(c.T("profile.changed"))
	}
	b.Para(c.T("group.footer"))
	return c.T("group."+n.Event+".subject", n.Group, who), nil
}

// member is the sentence of Who's membership going from role Before to
// role After ("" for none).
func (c *Catalog) member(m *groups.MemberChange) string {
	who := person(m.Who)
	switch {
	case m.Before == "" && m.After == groups.RoleMaster:
		return c.T("member.added.master", who)
	case m.Before == "":
		return c.T("member.added", who)
	case m.After == "":
		return c.T("member.removed", who)
	case m.After == groups.RoleMember:
		return c.T("member.demoted", who)
	}
	return c.T("member.promoted", who)
}

// describe is the new group's settings and people, one a line, empty
// values as "(none)".
func (c *Catalog) describe(n groups.GroupNotice) []string {
	g := n.New
	line := func(key, v string) string { return c.T("field.line", c.T(key), c.Value(v)) }
	return []string{
		line("field.name", g.Name),
		line("field.description", g.Description),
		line("field.public", c.yesNo(g.Public)),
		line("field.list.address", g.MailingList.Address),
		line("field.masters", people(n.Masters)),
		line("field.members", people(n.Members)),
	}
}

// changes says in lines what changed, "from -> to", in the order of
// s.Changed; empty values read as "(none)".
func (c *Catalog) changes(s *groups.SettingsChange) ([]string, error) {
	a, b := s.Before, s.After
	la, lb := a.MailingList, b.MailingList
	named := func(v []string) string {
		out := make([]string, len(v))
		for i, e := range v {
			out[i] = Person(s.Names[e], e)
		}
		return strings.Join(out, ", ")
	}
	var out []string
	change := func(label, from, to string) {
		out = append(out, c.T("field.change", label, c.Value(from), c.Value(to)))
	}
	for _, setting := range s.Changed {
		switch setting {
		case "name":
			change(c.T("field.name"), a.Name, b.Name)
		case "description":
			change(c.T("field.description"), a.Description, b.Description)
		case "public":
			change(c.T("field.public"), c.yesNo(a.Public), c.yesNo(b.Public))
		case "external":
			change(c.T("field.external"), c.yesNo(a.External), c.yesNo(b.External))
		case "notify":
			change(c.T("field.notify"), c.onOff(a.Notify), c.onOff(b.Notify))
		case "mailing_list.enabled":
			change(c.T("field.list.enabled"), c.onOff(la.Enabled), c.onOff(lb.Enabled))
		case "mailing_list.address":
			change(c.T("field.list.address"), la.Address, lb.Address)
		case "mailing_list.send_restriction":
			change(c.T("field.list.restriction"), c.sendText(la.SendRestriction), c.sendText(lb.SendRestriction))
		case "mailing_list.block_external":
			change(c.T("field.list.block_external"), c.onOff(la.BlockExternal), c.onOff(lb.BlockExternal))
		case "mailing_list.moderation":
			change(c.T("field.list.moderation"), c.T("moderation."+la.Moderation), c.T("moderation."+lb.Moderation))
		case "mailing_list.external_members":
			change(c.T("field.list.external_members"), strings.Join(la.ExternalMembers, ", "), strings.Join(lb.ExternalMembers, ", "))
		case "mailing_list.senders_as":
			change(c.T("field.list.senders_as"), named(la.SendersAs), named(lb.SendersAs))
		case "mailing_list.allowed":
			change(c.T("field.list.allowed"), strings.Join(la.Allowed, ", "), strings.Join(lb.Allowed, ", "))
		default:
			f, ok := strings.CutPrefix(setting, "features.")
			if !ok {
				return nil, fmt.Errorf("notice: no words for the setting %q", setting)
			}
			change(c.T("field.feature", c.T("feature."+f)), c.onOff(a.Features.On(f)), c.onOff(b.Features.On(f)))
		}
	}
	return out, nil
}
