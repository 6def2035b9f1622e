package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"groupd/groups"
)

// pageSize is how many groups one page of the list shows.
const pageSize = 30

// listPage is the data of the groups page.
type listPage struct {
	View    string // belong, manage, all
	Q       string
	Groups  []groups.Summary
	Page    int // 1-based
	More    bool
	Tabs    []tab
	CanMake bool
}

type tab struct {
	Key, Label, URL string
	Current         bool
}

// groupList is the groups page: the three views of the seed ("Groups I
// belong", "Groups I manage", "All groups") as tabs, a search box with
// suggestions as you type, and pages of 30.
func (s *server) groupList(c *reqCtx) error {
	q := c.r.URL.Query()
	p := listPage{View: q.Get("view"), Q: strings.TrimSpace(q.Get("q")), Page: 1, CanMake: true}
	switch p.View {
	case groups.ViewBelong, groups.ViewManage, groups.ViewAll:
	default:
		p.View = groups.ViewBelong
	}
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 1 && n < 10000 {
		p.Page = n
	}
	list, err := s.store.ListGroups(c.r.Context(), c.actor(), groups.ListQuery{View: p.View, Q: p.Q,
		Limit: pageSize + 1, Offset: (p.Page - 1) * pageSize})
	if err != nil {
		return err
	}
	if len(list) > pageSize {
		p.More, list = true, list[:pageSize]
	}
	p.Groups = list
	for _, v := range []string{groups.ViewBelong, groups.ViewManage, groups.ViewAll} {
		u := url.Values{"view": {v}}
		if p.Q != "" {
			u.Set("q", p.Q)
		}
		p.Tabs = append(p.Tabs, tab{Key: v, Label: c.T("groups.tab." + v), URL: "/groups?" + u.Encode(), Current: v == p.View})
	}
	c.nav = "groups"
	return c.render(http.StatusOK, "groups", c.T("groups.title"), p)
}

// PageURL is the list's URL at page n.
func (p listPage) PageURL(n int) string {
	u := url.Values{"view": {p.View}, "page": {strconv.Itoa(n)}}
	if p.Q != "" {
		u.Set("q", p.Q)
	}
	return "/groups?" + u.Encode()
}

// suggestGroups answers the search box's suggestions as JSON: 10 groups
// under the visibility rules of "All groups" (the store's Autocomplete).
func (s *server) suggestGroups(c *reqCtx) error {
	list, err := s.store.Autocomplete(c.r.Context(), c.actor(), c.r.URL.Query().Get("q"), 10)
	if isKind(err, groups.ErrInvalid) {
		list, err = []groups.Summary{}, nil
	}
	if err != nil {
		return err
	}
	return writeJSON(c.w, map[string]any{"groups": list})
}

// suggestPeople answers the people picker: the organisation's internal
// users by name or address prefix (closed to guests).
func (s *server) suggestPeople(c *reqCtx) error {
	list, err := s.store.People(c.r.Context(), c.actor(), c.r.URL.Query().Get("q"), 10)
	if isKind(err, groups.ErrInvalid) {
		list, err = []groups.Person{}, nil
	}
	if err != nil {
		return err
	}
	return writeJSON(c.w, map[string]any{"people": list})
}

func writeJSON(w http.ResponseWriter, v any) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	return json.NewEncoder(w).Encode(v)
}
