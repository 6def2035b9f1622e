package web

import (
	"net/http"
	"strings"

	"groupd/groups"
)

// connectRoutes registers "Connect your apps" (a group tab, members
// only), the Apple profile download and Thunderbird's autoconfig
// document (public: a mail client fetches it before anyone signs in).
func (s *server) connectRoutes() {
	m := s.mux
	m.Handle("GET /g/{id}/connect", s.signedIn(s.connectPage))
	m.Handle("POST /g/{id}/connect/app-password", s.signedIn(s.connectAppPassword))
	m.Handle("POST /g/{id}/connect/profile", s.signedIn(s.connectProfile))
	m.Handle("POST /account/profile", s.signedIn(s.mobileconfig))
	m.Handle("GET /.well-known/autoconfig/mail/config-v1.1.xml", s.public(s.autoconfig))
	m.Handle("GET /mail/config-v1.1.xml", s.public(s.autoconfig))
}

// connectView is the tab: where each app connects for this group, short
// steps per client, and the app password just made (shown on this
// answer only; the store keeps only its hash).
type connectView struct {
	*groupView
	E         endpoints
	Email     string
	Events    string // CalDAV collection URLs; "" when the feature is off
	Tasks     string
	Files     string // WebDAV folder URL; "" when the folder is off
	FilesDAV  string // the folder as GNOME Files spells it (dav:// or davs://)
	Mail      bool   // the list archive over IMAP (messages on, IMAP offered)
	AppName   string
	NewSecret *groups.AppPassword
	Error     string
}

// Calendar reports whether any calendar feature is in force.
func (v *connectView) Calendar() bool { return v.Events != "" || v.Tasks != "" }

func (s *server) connectPage(c *reqCtx) error {
	v, err := s.connectData(c)
	if err != nil {
		return err
	}
	return c.render(http.StatusOK, "connect", c.T("connect.title", v.G.Name), v)
}

// connectData loads the group for a member and works out its addresses.
func (s *server) connectData(c *reqCtx) (*connectView, error) {
	g, err := s.loadGroup(c, "connect")
	if err != nil {
		return nil, err
	}
	if !g.IsMember {
		return nil, &groups.Error{Kind: groups.ErrDenied, Msg: c.T("connect.members")}
	}
	e := s.endpoints(c.r)
	v := &connectView{groupView: g, E: e, Email: c.sess.User.Email, AppName: c.T("connect.app.default", g.G.Name)}
	id := g.G.ID
	if g.InForce.On(groups.FeatureEvent) {
		v.Events = e.CalendarURL(id, "events")
	}
	if g.InForce.On(groups.FeatureTask) {
		v.Tasks = e.CalendarURL(id, "tasks")
	}
	if g.InForce.On(groups.FeatureFolder) {
		v.Files = e.FilesURL(id)
		if e.HTTPS {
			v.FilesDAV = "davs://" + strings.TrimPrefix(v.Files, "https://")
		} else {
			v.FilesDAV = "dav://" + strings.TrimPrefix(v.Files, "http://")
		}
	}
	v.Mail = g.InForce.On(groups.FeatureMessage) && e.IMAP.Port != 0
	return v, nil
}

// connectAppPassword makes an app password and shows it once, on this
// answer page; the list on the account page shows its name only.
func (s *server) connectAppPassword(c *reqCtx) error {
	v, err := s.connectData(c)
	if err != nil {
		return err
	}
	v.AppName = strings.TrimSpace(c.r.PostFormValue("name"))
	ap, err := s.store.CreateAppPassword(c.r.Context(), c.actor(), c.sess.User.Email, v.AppName)
	if isKind(err, groups.ErrInvalid) {
		v.Error = c.T("apppass.name.invalid", groups.MaxNameChars)
		return c.render(http.StatusUnprocessableEntity, "connect", c.T("connect.title", v.G.Name), v)
	}
	if err != nil {
		return err
	}
	v.NewSecret = ap
	return c.render(http.StatusOK, "connect", c.T("connect.title", v.G.Name), v)
}

// connectProfile is the Apple profile, from a group's tab: members only,
// like the tab.
func (s *server) connectProfile(c *reqCtx) error {
	if _, err := s.connectData(c); err != nil {
		return err
	}
	return s.mobileconfig(c)
}
