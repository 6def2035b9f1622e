package web

import (
	"net/http"
	"strconv"

	"groupd/groups"
	"groupd/internal/safeserve"
)

// groupView is a group as its pages show it: the model's group, its
// members with names, the features in force (the group's choice and the
// organisation's policy together), and the feature tabs of a member.
type groupView struct {
	G        *groups.Group
	Masters  []groups.Member
	Members  []groups.Member
	InForce  groups.Features // the group's Features: in force
	Disabled map[string]bool // chosen on, but off by the organisation policy
	Tabs     []tab
	Tab      string // the current tab's key
	IsMember bool
	IsMaster bool
	// Delivery is the member's own delivery mode, Modes the choices
	// (the About page and the members page only: delivery.go).
	Delivery string
	Modes    []string
}

// loadGroup reads group id for the signed-in user. A private group the
// user does not belong to is ErrNotFound, as a missing one.
func (s *server) loadGroup(c *reqCtx, tabKey string) (*groupView, error) {
	ctx := c.r.Context()
	id := c.r.PathValue("id")
	g, err := s.store.GetGroup(ctx, c.actor(), id)
	if err != nil {
		return nil, err
	}
	ms, err := s.store.Members(ctx, c.actor(), id)
	if err != nil {
		return nil, err
	}
	// The store's Features are those in force; one the masters chose
	// but that is off is off by the organisation's policy.
	v := &groupView{G: g, Tab: tabKey, InForce: g.Features, Disabled: map[string]bool{},
		IsMember: g.Role != "", IsMaster: g.CanManage}
	for _, m := range ms {
		if m.Role == groups.RoleMaster {
			v.Masters = append(v.Masters, m)
		} else {
			v.Members = append(v.Members, m)
		}
	}
	for _, f := range groups.AllFeatures() {
		v.Disabled[f] = g.FeaturesChosen.On(f) && !g.Features.On(f)
	}
	v.Tabs = s.groupTabs(c, v)
	c.nav = "groups"
	return v, nil
}

// groupTabs: "About" for everyone who sees the group; for members one tab
// per feature in force and "Connect your apps".
func (s *server) groupTabs(c *reqCtx, v *groupView) []tab {
	base := "/g/" + v.G.ID
	tabs := []tab{{Key: "about", Label: c.T("group.tab.about"), URL: base}}
	if v.IsMember {
		for _, f := range groups.AllFeatures() {
			if v.InForce.On(f) && s.hasTab(f) {
				tabs = append(tabs, tab{Key: f, Label: c.T("feature." + f), URL: base + "/" + tabPath(f)})
			}
		}
		if s.hasTab("connect") {
			tabs = append(tabs, tab{Key: "connect", Label: c.T("group.tab.connect"), URL: base + "/connect"})
		}
	}
	for i := range tabs {
		tabs[i].Current = tabs[i].Key == v.Tab
	}
	return tabs
}

// tabPath is the URL segment of a feature's tab.
func tabPath(feature string) string {
	switch feature {
	case groups.FeatureMessage:
		return "messages"
	case groups.FeatureNote:
		return "notes"
	case groups.FeatureEvent:
		return "events"
	case groups.FeatureTask:
		return "tasks"
	}
	return feature
}

// hasTab reports whether the console serves a tab (its route exists).
func (s *server) hasTab(key string) bool {
	r, _ := http.NewRequest("GET", "/g/x/"+tabPath(key), nil)
	_, pattern := s.mux.Handler(r)
	return pattern != "" && pattern != "/"
}

// groupPage is a group's "About" tab: profile, name, description,
// masters, members, list address and features.
func (s *server) groupPage(c *reqCtx) error {
	v, err := s.loadGroup(c, "about")
	if err != nil {
		return err
	}
	if err := s.loadDelivery(c, v); err != nil {
		return err
	}
	return c.render(http.StatusOK, "group", v.G.Name, v)
}

// groupProfile serves the group's profile image to whoever sees the
// group. It was checked to decode as PNG or JPEG when stored.
func (s *server) groupProfile(c *reqCtx) error {
	ct, data, err := s.store.Profile(c.r.Context(), c.actor(), c.r.PathValue("id"))
	if err != nil {
		return err
	}
	h := c.w.Header()
	safeserve.Headers(h, ct, "", false)
	h.Set("Content-Length", strconv.Itoa(len(data)))
	h.Set("Cache-Control", "private, no-cache")
	c.w.Write(data)
	return nil
}

func errNotFound() error { return &groups.Error{Kind: groups.ErrNotFound, Msg: "not found"} }
