package groups

import (
	"context"
	"slices"
	"strings"
)

// createdNotice is the notice of group g's creation: its settings and
// people, masters first, each named by name and address.
func (s *Store) createdNotice(ctx context.Context, q querier, gid int64, g *Group) (GroupNotice, error) {
	n := GroupNotice{Event: GroupCreated, Group: g.Name, New: g}
	masters, err := scanStrings(q.QueryContext(ctx, `SELECT u.email FROM memberships m JOIN users u ON u.uid = m.uid
		WHERE m.gid = ? AND m.role = 'master' ORDER BY u.email`, gid))
	if err != nil {
		return n, err
	}
	members, err := scanStrings(q.QueryContext(ctx, `SELECT u.email FROM memberships m JOIN users u ON u.uid = m.uid
		WHERE m.gid = ? AND m.role = 'member' ORDER BY u.email`, gid))
	if err != nil {
		return n, err
	}
	if n.Masters, err = s.people(ctx, q, masters); err != nil {
		return n, err
	}
	n.Members, err = s.people(ctx, q, members)
	return n, err
}

// settingsChange is what changed between two versions of a group, for
// the notification mail; nil when nothing a member cares about did. The
// names of the people who may send as the list are read for it; one
// whose name cannot be read is named by address.
func (s *Store) settingsChange(ctx context.Context, q querier, a, b *Group) *SettingsChange {
	changed := changedSettings(a, b)
	if len(changed) == 0 {
		return nil
	}
	c := &SettingsChange{Before: a, After: b, Changed: changed, Names: map[string]string{}}
	for _, e := range slices.Concat(a.MailingList.SendersAs, b.MailingList.SendersAs) {
		if p, err := s.person(ctx, q, e); err == nil && p.Name != "" {
			c.Names[e] = p.Name
		}
	}
	return c
}

// changedSettings names the settings a member is told about that differ
// between a and b, as the API's JSON does, in the order of Group's fields.
func changedSettings(a, b *Group) []string {
	var out []string
	diff := func(setting string, changed bool) {
		if changed {
			out = append(out, setting)
		}
	}
	list := func(x, y []string) bool { return strings.Join(x, ", ") != strings.Join(y, ", ") }
	diff("name", a.Name != b.Name)
	diff("description", a.Description != b.Description)
	diff("public", a.Public != b.Public)
	diff("external", a.External != b.External)
	diff("notify", a.Notify != b.Notify)
	for _, f := range AllFeatures() {
		diff("features."+f, a.Features.On(f) != b.Features.On(f))
	}
	la, lb := a.MailingList, b.MailingList
	diff("mailing_list.enabled", la.Enabled != lb.Enabled)
	diff("mailing_list.address", la.Address != lb.Address)
	diff("mailing_list.send_restriction", la.SendRestriction != lb.SendRestriction)
	diff("mailing_list.block_external", la.BlockExternal != lb.BlockExternal)
	diff("mailing_list.moderation", la.Moderation != lb.Moderation)
	diff("mailing_list.external_members", list(la.ExternalMembers, lb.ExternalMembers))
	diff("mailing_list.senders_as", list(la.SendersAs, lb.SendersAs))
	diff("mailing_list.allowed", list(la.Allowed, lb.Allowed))
	return out
}
