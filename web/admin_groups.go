package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"groupd/groups"
)

// adminGroupsPageSize is how many groups one page of the admin's list shows.
const adminGroupsPageSize = 50

// adminGroupsPage lists every group, private ones included (an admin
// sees all), each linking to its page, whose edit, members, purge and
// delete pages an admin may use, with its folder quota and a form to
// change it.
type adminGroupsPage struct {
	Tabs         []tab
	Q            string
	Rows         []adminGroupRow
	Page         int
	More         bool
	DefaultQuota int64
	RowErr       map[string]string // group id → sentence
}

type adminGroupRow struct {
	groups.Summary
	Quota int64 // the group's own quota in bytes; 0: the default
}

// QuotaMiB is the group's own quota as the form shows it ("" for the
// default).
func (r adminGroupRow) QuotaMiB() string {
	if r.Quota == 0 {
		return ""
	}
	return strconv.FormatInt(r.Quota>>20, 10)
}

// PageURL is the list's URL at page n.
func (p *adminGroupsPage) PageURL(n int) string {
	u := url.Values{"page": {strconv.Itoa(n)}}
	if p.Q != "" {
		u.Set("q", p.Q)
	}
	return "/admin/groups?" + u.Encode()
}

func (s *server) adminGroups(c *reqCtx) error {
	q := c.r.URL.Query()
	p := &adminGroupsPage{Q: strings.TrimSpace(q.Get("q")), Page: pageParam(q.Get("page"))}
	return s.showAdminGroups(c, http.StatusOK, p)
}

func (s *server) showAdminGroups(c *reqCtx, status int, p *adminGroupsPage) error {
	ctx := c.r.Context()
	list, err := s.store.ListGroups(ctx, c.actor(), groups.ListQuery{View: groups.ViewAll, Q: p.Q,
		Limit: adminGroupsPageSize + 1, Offset: (p.Page - 1) * adminGroupsPageSize})
	if err != nil {
		return err
	}
	if len(list) > adminGroupsPageSize {
		p.More, list = true, list[:adminGroupsPageSize]
	}
	for _, g := range list {
		quota, err := s.store.FolderQuota(ctx, c.actor(), g.ID)
		if err != nil {
			return err
		}
		p.Rows = append(p.Rows, adminGroupRow{Summary: g, Quota: quota})
	}
	p.Tabs, p.DefaultQuota = adminTabs(c, "groups"), s.opts.DefaultFolderQuota
	if p.RowErr == nil {
		p.RowErr = map[string]string{}
	}
	return c.render(status, "admin_groups", c.T("admin.groups.title"), p)
}

// setQuota sets a group's folder quota in MiB; empty or 0 returns it to
// the default.
func (s *server) setQuota(c *reqCtx) error {
	id := c.r.PostFormValue("id")
	v := strings.TrimSpace(c.r.PostFormValue("quota"))
	back := &adminGroupsPage{Q: c.r.PostFormValue("q"), Page: pageParam(c.r.PostFormValue("page"))}
	mib := int64(0)
	if v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 || n > 1<<30 {
			back.RowErr = map[string]string{id: c.T("admin.groups.quota.invalid")}
			return s.showAdminGroups(c, http.StatusUnprocessableEntity, back)
		}
		mib = n
	}
	if err := s.store.SetFolderQuota(c.r.Context(), c.actor(), id, mib<<20); err != nil {
		return err
	}
	return c.redirect(back.PageURL(back.Page) + "&done=quota")
}
