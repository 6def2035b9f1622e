package web

import (
	"net/http"
	"strings"

	"groupd/groups"
)

// The admin pages (/admin…): the organisation policy, the users, every
// group with its folder quota, and the DNS records to publish. Only users
// with the admin flag open them; anyone else gets 403 with a sentence, on
// every admin route alike (the pages' existence is no secret).

// adminRoutes registers the admin pages.
func (s *server) adminRoutes() {
	m := s.mux
	m.Handle("GET /admin", s.adminOnly(s.adminPolicy))
	m.Handle("POST /admin/policy", s.adminOnly(s.savePolicy))
	m.Handle("GET /admin/users", s.adminOnly(s.adminUsers))
	m.Handle("POST /admin/users", s.adminOnly(s.createUser))
	m.Handle("POST /admin/users/password", s.adminOnly(s.resetPassword))
	m.Handle("POST /admin/users/admin", s.adminOnly(s.setAdmin))
	m.Handle("POST /admin/users/delete", s.adminOnly(s.deleteUser))
	m.Handle("GET /admin/groups", s.adminOnly(s.adminGroups))
	m.Handle("POST /admin/groups/quota", s.adminOnly(s.setQuota))
	m.Handle("GET /admin/dns", s.adminOnly(s.adminDNS))
}

// adminOnly wraps an admin route: a session (and, for changes, the CSRF
// token) as for every page, then the admin flag, read afresh from the
// store with the session.
func (s *server) adminOnly(fn handlerFunc) http.Handler {
	return s.signedIn(func(c *reqCtx) error {
		if !c.sess.User.Admin {
			return &groups.Error{Kind: groups.ErrDenied, Msg: c.T("admin.only")}
		}
		c.nav = "admin"
		return fn(c)
	})
}

// adminTabs are the sections of the admin pages.
func adminTabs(c *reqCtx, current string) []tab {
	var out []tab
	for _, t := range []struct{ key, url string }{
		{"policy", "/admin"}, {"users", "/admin/users"}, {"groups", "/admin/groups"}, {"dns", "/admin/dns"},
	} {
		out = append(out, tab{Key: t.key, Label: c.T("admin.tab." + t.key), URL: t.url, Current: t.key == current})
	}
	return out
}

// policyPage is the policy form: who may create groups, the features off
// organisation-wide, and who may create external groups.
type policyPage struct {
	Tabs      []tab
	Create    string          // everyone, admins
	Disabled  map[string]bool // feature → off organisation-wide
	Authority string          // addresses, one a line
	Errors    map[string]string
}

func (s *server) adminPolicy(c *reqCtx) error {
	p, err := s.store.GetPolicy(c.r.Context(), c.actor())
	if err != nil {
		return err
	}
	pp := &policyPage{Create: p.CreateGroups, Disabled: map[string]bool{},
		Authority: strings.Join(p.ExternalAuthority, "\n"), Errors: map[string]string{}}
	for _, f := range p.DisabledFeatures {
		pp.Disabled[f] = true
	}
	return s.showPolicy(c, http.StatusOK, pp)
}

func (s *server) showPolicy(c *reqCtx, status int, p *policyPage) error {
	p.Tabs = adminTabs(c, "policy")
	return c.render(status, "admin", c.T("admin.policy.title"), p)
}

// savePolicy replaces the policy with the form's. A refusal comes back
// beside its field with what the admin typed.
func (s *server) savePolicy(c *reqCtx) error {
	r := c.r
	pp := &policyPage{Create: r.PostFormValue("create"), Disabled: map[string]bool{},
		Authority: r.PostFormValue("authority"), Errors: map[string]string{}}
	pol := groups.Policy{CreateGroups: pp.Create, ExternalAuthority: emailList(pp.Authority), DisabledFeatures: []string{}}
	for _, f := range groups.AllFeatures() {
		if r.PostFormValue("off_"+f) != "" {
			pp.Disabled[f] = true
			pol.DisabledFeatures = append(pol.DisabledFeatures, f)
		}
	}
	if pp.Create != "everyone" && pp.Create != "admins" {
		pp.Errors["create"] = c.T("admin.policy.create.pick")
		return s.showPolicy(c, http.StatusUnprocessableEntity, pp)
	}
	for _, e := range pol.ExternalAuthority {
		if _, err := s.store.GetUser(r.Context(), c.actor(), e); isKind(err, groups.ErrNotFound) {
			pp.Errors["authority"] = c.T("admin.policy.authority.unknown", e)
			return s.showPolicy(c, http.StatusUnprocessableEntity, pp)
		}
	}
	_, err := s.store.SetPolicy(r.Context(), c.actor(), pol)
	if isKind(err, groups.ErrInvalid) {
		msg := groups.Message(err)
		field := "form"
		if strings.HasPrefix(msg, "external_authority") {
			field, msg = "authority", strings.TrimPrefix(msg, "external_authority: ")
		}
		pp.Errors[field] = msg
		return s.showPolicy(c, http.StatusUnprocessableEntity, pp)
	}
	if err != nil {
		return err
	}
	return c.redirect("/admin?done=saved")
}
