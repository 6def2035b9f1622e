package web

import (
	"net/http"
	"strings"
	"time"

	"groupd/groups"
)

// accountRoutes registers "My account": name, password, app passwords.
func (s *server) accountRoutes() {
	m := s.mux
	m.Handle("GET /account", s.signedIn(s.accountPage))
	m.Handle("POST /account/name", s.signedIn(s.saveName))
	m.Handle("POST /account/password", s.signedIn(s.changePassword))
	m.Handle("POST /account/app-passwords", s.signedIn(s.createAppPassword))
	m.Handle("POST /account/app-passwords/revoke", s.signedIn(s.revokeAppPassword))
}

// accountPage is the data of the account page. Errors are keyed by the
// field they stand beside: name, current, new, confirm, appname.
type accountPage struct {
	User      *groups.User
	Name      string
	Revoke    bool // the password form's "also revoke app passwords"
	Apps      []appPassRow
	AppName   string
	NewSecret *groups.AppPassword // shown once, on the answer page only
	Errors    map[string]string
}

// appPassRow is an app password as the list shows it (never its secret).
type appPassRow struct {
	ID       int64
	Name     string
	Created  time.Time
	LastUsed time.Time // zero: never used
}

func (s *server) accountPage(c *reqCtx) error {
	return s.showAccount(c, http.StatusOK, &accountPage{})
}

// showAccount fills in the user and the app passwords and renders.
func (s *server) showAccount(c *reqCtx, status int, p *accountPage) error {
	u := c.sess.User
	list, err := s.store.AppPasswords(c.r.Context(), c.actor(), u.Email)
	if err != nil {
		return err
	}
	p.User, p.Apps = u, nil
	for _, a := range list {
		row := appPassRow{ID: a.ID, Name: a.Name, Created: time.Unix(a.Created, 0)}
		if a.LastUsed > 0 {
			row.LastUsed = time.Unix(a.LastUsed, 0)
		}
		p.Apps = append(p.Apps, row)
	}
	if p.Name == "" {
		p.Name = u.Name
	}
	if p.AppName == "" {
		p.AppName = c.T("apppass.default")
	}
	if p.Errors == nil {
		p.Errors = map[string]string{}
	}
	c.nav = "account"
	return c.render(status, "account", c.T("account.title"), p)
}

// saveName changes the user's display name.
func (s *server) saveName(c *reqCtx) error {
	name := strings.TrimSpace(c.r.PostFormValue("name"))
	u := c.sess.User
	_, err := s.store.UpdateUser(c.r.Context(), c.actor(), u.Email, groups.UserSpec{Name: &name})
	if isKind(err, groups.ErrInvalid) {
		return s.showAccount(c, http.StatusUnprocessableEntity, &accountPage{Name: name,
			Errors: map[string]string{"name": c.T("account.name.invalid", groups.MaxNameChars)}})
	}
	if err != nil {
		return err
	}
	return c.redirect("/account?done=saved")
}

// changePassword needs the current password (issue 16). Every other
// console session of the user ends; this one stays signed in.
func (s *server) changePassword(c *reqCtx) error {
	r := c.r
	cur, pw, again := r.PostFormValue("current"), r.PostFormValue("new"), r.PostFormValue("confirm")
	p := &accountPage{Revoke: r.PostFormValue("revoke_apps") != "", Errors: map[string]string{}}
	switch {
	case cur == "":
		p.Errors["current"] = c.T("account.password.current.missing")
	case len(pw) < groups.MinPasswordLength:
		p.Errors["new"] = c.T("password.short", groups.MinPasswordLength)
	case pw != again:
		p.Errors["confirm"] = c.T("account.password.mismatch")
	}
	if len(p.Errors) > 0 {
		return s.showAccount(c, http.StatusUnprocessableEntity, p)
	}
	err := s.store.ChangePassword(r.Context(), c.actor(), c.sess.User.Email, groups.PasswordChange{
		Current: cur, New: pw, KeepSession: c.token, RevokeAppPasswords: p.Revoke})
	switch {
	case isKind(err, groups.ErrDenied):
		p.Errors["current"] = c.T("account.password.current.wrong")
	case isKind(err, groups.ErrInvalid):
		p.Errors["new"] = groups.Message(err)
	case err != nil:
		return err
	default:
		return c.redirect("/account?done=password")
	}
	return s.showAccount(c, http.StatusUnprocessableEntity, p)
}
