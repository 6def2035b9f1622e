package web

import (
	"net/http"
	"strings"

	"groupd/groups"
)

// dangerPage is "Delete data" and "Delete group": what will be lost,
// named before it is.
type dangerPage struct {
	*groupView
	Error   string
	Checked map[string]bool
}

// purgeForm is the seed's "Delete data": a checkbox per feature and a
// confirmation that names what will be lost.
func (s *server) purgeForm(c *reqCtx) error {
	return s.showDanger(c, "purge", http.StatusOK, &dangerPage{Checked: map[string]bool{}})
}

func (s *server) showDanger(c *reqCtx, page string, status int, p *dangerPage) error {
	v, err := s.loadGroup(c, "about")
	if err != nil {
		return err
	}
	if !v.IsMaster {
		return &groups.Error{Kind: groups.ErrDenied, Msg: c.T("edit.denied")}
	}
	p.groupView = v
	return c.render(status, page, c.T(page+".title"), p)
}

// purge deletes the data of the features ticked, after the confirmation
// box; nothing is deleted without both.
func (s *server) purge(c *reqCtx) error {
	p := &dangerPage{Checked: map[string]bool{}}
	var features []string
	for _, f := range groups.AllFeatures() {
		if c.r.PostFormValue("f_"+f) != "" {
			features = append(features, f)
			p.Checked[f] = true
		}
	}
	switch {
	case len(features) == 0:
		p.Error = c.T("purge.none")
	case c.r.PostFormValue("confirm") == "":
		p.Error = c.T("purge.confirm.missing")
	}
	if p.Error != "" {
		return s.showDanger(c, "purge", http.StatusUnprocessableEntity, p)
	}
	id := c.r.PathValue("id")
	if err := s.store.Purge(c.r.Context(), c.actor(), id, features); err != nil {
		return err
	}
	return c.redirect("/g/" + id + "?done=purged")
}

// deleteForm asks for the group's name, typed, before deleting it.
func (s *server) deleteForm(c *reqCtx) error {
	return s.showDanger(c, "delete", http.StatusOK, &dangerPage{})
}

// deleteGroup deletes the group when the typed name matches.
func (s *server) deleteGroup(c *reqCtx) error {
	id := c.r.PathValue("id")
	g, err := s.store.GetGroup(c.r.Context(), c.actor(), id)
	if err != nil {
		return err
	}
	if strings.TrimSpace(c.r.PostFormValue("confirm_name")) != strings.TrimSpace(g.Name) {
		return s.showDanger(c, "delete", http.StatusUnprocessableEntity, &dangerPage{Error: c.T("delete.mismatch")})
	}
	if err := s.store.DeleteGroup(c.r.Context(), c.actor(), id); err != nil {
		return err
	}
	return c.redirect("/groups?view=manage&done=deleted")
}
