package web

import (
	"net/http"
	"strconv"
	"strings"

	"groupd/groups"
)

// App passwords on the account page: create (the secret is shown on the
// answer page once, never again: the store keeps only its hash), list
// (name, created, last used) and revoke.

func (s *server) createAppPassword(c *reqCtx) error {
	name := strings.TrimSpace(c.r.PostFormValue("name"))
	ap, err := s.store.CreateAppPassword(c.r.Context(), c.actor(), c.sess.User.Email, name)
	if isKind(err, groups.ErrInvalid) {
		return s.showAccount(c, http.StatusUnprocessableEntity, &accountPage{AppName: name,
			Errors: map[string]string{"appname": c.T("apppass.name.invalid", groups.MaxNameChars)}})
	}
	if err != nil {
		return err
	}
	return s.showAccount(c, http.StatusOK, &accountPage{NewSecret: ap})
}

// revokeAppPassword deletes one; apps using it are refused from then on.
func (s *server) revokeAppPassword(c *reqCtx) error {
	id, err := strconv.ParseInt(c.r.PostFormValue("id"), 10, 64)
	if err != nil {
		return errNotFound()
	}
	if err := s.store.RevokeAppPassword(c.r.Context(), c.actor(), c.sess.User.Email, id); err != nil {
		return err
	}
	return c.redirect("/account?done=app_revoked")
}
