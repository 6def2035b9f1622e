package web

import (
	"net/http"

	"groupd/groups"
)

// membersPage lists members with their roles; a master adds in bulk,
// changes a role and removes. Refusals (the last master, an unknown
// address) come back as sentences on the page.
type membersPage struct {
	*groupView
	Add      string
	Role     string
	Errors   []string
	External []externalAddr // for a master: the external addresses and their modes
}

func (s *server) membersPage(c *reqCtx) error {
	return s.showMembers(c, http.StatusOK, &membersPage{Role: groups.RoleMember})
}

func (s *server) showMembers(c *reqCtx, status int, p *membersPage) error {
	v, err := s.loadGroup(c, "about")
	if err != nil {
		return err
	}
	p.groupView = v
	if err := s.loadExternal(c, p); err != nil {
		return err
	}
	return c.render(status, "members", c.T("members.title", v.G.Name), p)
}

// addMembers adds every pasted or picked address with the chosen role;
// those the model refuses are listed with its sentence, the rest added.
func (s *server) addMembers(c *reqCtx) error {
	id := c.r.PathValue("id")
	p := &membersPage{Add: c.r.PostFormValue("add"), Role: c.r.PostFormValue("role")}
	if p.Role != groups.RoleMaster {
		p.Role = groups.RoleMember
	}
	addrs := emailList(p.Add)
	if len(addrs) == 0 {
		p.Errors = append(p.Errors, c.T("members.none"))
		return s.showMembers(c, http.StatusUnprocessableEntity, p)
	}
	var failed []string
	for _, a := range addrs {
		if err := s.store.SetMember(c.r.Context(), c.actor(), id, a, p.Role); err != nil {
			if st := statusOf(err); st == http.StatusInternalServerError || st == http.StatusForbidden || isGroupGone(err) {
				return err
			}
			p.Errors = append(p.Errors, a+": "+groups.Message(err))
			failed = append(failed, a)
		}
	}
	if len(failed) > 0 {
		p.Add = joinLines(failed)
		return s.showMembers(c, http.StatusUnprocessableEntity, p)
	}
	return c.redirect("/g/" + id + "/members?done=members")
}

// changeRole makes a member a master or a master a member.
func (s *server) changeRole(c *reqCtx) error {
	id := c.r.PathValue("id")
	email, role := c.r.PostFormValue("email"), c.r.PostFormValue("role")
	if err := s.store.SetMember(c.r.Context(), c.actor(), id, email, role); err != nil {
		return s.memberRefused(c, err)
	}
	return c.redirect("/g/" + id + "/members?done=members")
}

// removeMember removes a member; the last master cannot go, and the page
// says why in words.
func (s *server) removeMember(c *reqCtx) error {
	id := c.r.PathValue("id")
	if err := s.store.RemoveMember(c.r.Context(), c.actor(), id, c.r.PostFormValue("email")); err != nil {
		return s.memberRefused(c, err)
	}
	return c.redirect("/g/" + id + "/members?done=members")
}

func (s *server) memberRefused(c *reqCtx, err error) error {
	switch statusOf(err) {
	case http.StatusConflict, http.StatusUnprocessableEntity, http.StatusForbidden:
		msg := groups.Message(err)
		if statusOf(err) == http.StatusConflict {
			msg = c.T("members.lastmaster")
		}
		return s.showMembers(c, statusOf(err), &membersPage{Role: groups.RoleMember, Errors: []string{msg}})
	}
	return err
}

// isGroupGone: the group itself is not found (not an address in it).
func isGroupGone(err error) bool { return groups.Message(err) == "group not found" }

func joinLines(list []string) string {
	out := ""
	for _, s := range list {
		out += s + "\n"
	}
	return out
}
