package web

import (
	"net/http"
	"strings"

	"groupd/groups"
)

// editGroupForm is "Edit group": the create form filled with the group's
// settings. Masters (and admins) only; a member gets the model's refusal.
func (s *server) editGroupForm(c *reqCtx) error {
	v, err := s.loadGroup(c, "about")
	if err != nil {
		return err
	}
	if !v.IsMaster {
		return &groups.Error{Kind: groups.ErrDenied, Msg: c.T("edit.denied")}
	}
	al, dis, err := s.allowances(c)
	if err != nil {
		return err
	}
	return s.showGroupForm(c, http.StatusOK, formOf(v.G, al, dis))
}

// formOf fills the form from a group.
func formOf(g *groups.Group, al *groups.Allowances, dis map[string]bool) *groupForm {
	l := g.MailingList
	return &groupForm{Edit: true, ID: g.ID, Name: g.Name, Description: g.Description, Public: g.Public,
		Notify: g.Notify, External: g.External, Features: g.Features, ListOn: l.Enabled, Address: l.Address,
		SendersAs: strings.Join(l.SendersAs, "\n"), Restriction: l.SendRestriction,
		Allowed: strings.Join(l.Allowed, "\n"), BlockExt: l.BlockExternal, Moderation: l.Moderation,
		ExtMembers: strings.Join(l.ExternalMembers, "\n"), Allow: al, Disabled: dis,
		Errors: map[string]string{}, HasProfile: g.HasProfile}
}

// editGroup saves the edit form, and the profile image when one is sent.
func (s *server) editGroup(c *reqCtx) error {
	id := c.r.PathValue("id")
	g, err := s.store.GetGroup(c.r.Context(), c.actor(), id)
	if err != nil {
		return err
	}
	al, dis, err := s.allowances(c)
	if err != nil {
		return err
	}
	f := &groupForm{Edit: true, ID: g.ID, Allow: al, Disabled: dis, Errors: map[string]string{}, HasProfile: g.HasProfile}
	img, err := s.readGroupForm(c, f)
	if err != nil {
		return err
	}
	f.ID = g.ID
	if len(img) > 0 {
		if err := s.store.SetProfile(c.r.Context(), c.actor(), id, img); err != nil {
			if statusOf(err) == http.StatusUnprocessableEntity {
				f.Errors["profile"] = groups.Message(err)
				return s.showGroupForm(c, statusOf(err), f)
			}
			return err
		}
	}
	if _, err := s.store.UpdateGroup(c.r.Context(), c.actor(), id, f.spec()); err != nil {
		return s.formRefused(c, f, err)
	}
	return c.redirect("/g/" + id + "?done=saved")
}
