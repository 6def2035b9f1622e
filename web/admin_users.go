package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"groupd/groups"
)

// usersPageSize is how many accounts one page of the admin's list shows.
const usersPageSize = 50

// usersPage lists the accounts a page at a time, each with its actions
// (reset password, make or unmake admin, delete), and the form that
// creates one. A refused action's sentence stands beside its row.
type usersPage struct {
	Tabs    []tab
	Users   []groups.User
	Page    int
	More    bool
	Me      string
	RowErr  map[string]string // email → sentence
	New     newUserForm
	NewErrs map[string]string // field → sentence
}

type newUserForm struct {
	Email, Name string
	Admin       bool
}

// PageURL is the list's URL at page n.
func (p *usersPage) PageURL(n int) string { return "/admin/users?page=" + strconv.Itoa(n) }

func (s *server) adminUsers(c *reqCtx) error {
	p := &usersPage{Page: pageParam(c.r.URL.Query().Get("page"))}
	return s.showUsers(c, http.StatusOK, p)
}

// showUsers reads the page's accounts and renders it.
func (s *server) showUsers(c *reqCtx, status int, p *usersPage) error {
	if p.Page < 1 {
		p.Page = 1
	}
	list, err := s.store.ListUsers(c.r.Context(), c.actor(), usersPageSize+1, (p.Page-1)*usersPageSize)
	if err != nil {
		return err
	}
	if len(list) > usersPageSize {
		p.More, list = true, list[:usersPageSize]
	}
	p.Users, p.Tabs, p.Me = list, adminTabs(c, "users"), c.sess.User.Email
	if p.RowErr == nil {
		p.RowErr = map[string]string{}
	}
	if p.NewErrs == nil {
		p.NewErrs = map[string]string{}
	}
	return c.render(status, "admin_users", c.T("admin.users.title"), p)
}

// createUser adds an account; a refusal stands beside its field.
func (s *server) createUser(c *reqCtx) error {
	r := c.r
	f := newUserForm{Email: strings.TrimSpace(r.PostFormValue("email")), Name: strings.TrimSpace(r.PostFormValue("name")),
		Admin: r.PostFormValue("admin") != ""}
	pw := r.PostFormValue("password")
	p := &usersPage{Page: 1, New: f, NewErrs: map[string]string{}}
	switch {
	case f.Email == "":
		p.NewErrs["email"] = c.T("admin.users.email.missing")
	case f.Name == "":
		p.NewErrs["name"] = c.T("admin.users.name.missing")
	case len(pw) < groups.MinPasswordLength:
		p.NewErrs["password"] = c.T("password.short", groups.MinPasswordLength)
	}
	if len(p.NewErrs) > 0 {
		return s.showUsers(c, http.StatusUnprocessableEntity, p)
	}
	_, err := s.store.CreateUser(r.Context(), c.actor(), groups.UserSpec{Email: &f.Email, Name: &f.Name, Password: &pw, Admin: &f.Admin})
	switch {
	case isKind(err, groups.ErrConflict):
		p.NewErrs["email"] = c.T("admin.users.exists", f.Email)
	case isKind(err, groups.ErrInvalid):
		p.NewErrs[userField(groups.Message(err))] = groups.Message(err)
	case err != nil:
		return err
	default:
		return c.redirect("/admin/users?done=user_created")
	}
	return s.showUsers(c, http.StatusUnprocessableEntity, p)
}

// userField is the form field a store refusal of an account is about.
func userField(msg string) string {
	for _, f := range []string{"email", "name", "password"} {
		if strings.HasPrefix(msg, f) {
			return f
		}
	}
	return "form"
}

// resetPassword sets another user's password; an administrator needs no
// current password for that. It ends all of that user's console
// sessions. The admin's own password is changed on the account page.
func (s *server) resetPassword(c *reqCtx) error {
	email, pw := c.r.PostFormValue("email"), c.r.PostFormValue("password")
	if strings.EqualFold(email, c.sess.User.Email) {
		return s.userRefused(c, email, c.T("admin.users.reset.self"))
	}
	if len(pw) < groups.MinPasswordLength {
		return s.userRefused(c, email, c.T("password.short", groups.MinPasswordLength))
	}
	err := s.store.ChangePassword(c.r.Context(), c.actor(), email, groups.PasswordChange{New: pw})
	if err != nil {
		return s.userError(c, email, err)
	}
	return c.redirect(s.backToUsers(c, "password_reset"))
}

// setAdmin makes a user an administrator or takes the flag away; an
// admin does not take their own (there would be no one left to undo it).
func (s *server) setAdmin(c *reqCtx) error {
	email := c.r.PostFormValue("email")
	admin := c.r.PostFormValue("admin") == "1"
	if !admin && strings.EqualFold(email, c.sess.User.Email) {
		return s.userRefused(c, email, c.T("admin.users.unadmin.self"))
	}
	if _, err := s.store.UpdateUser(c.r.Context(), c.actor(), email, groups.UserSpec{Admin: &admin}); err != nil {
		return s.userError(c, email, err)
	}
	return c.redirect(s.backToUsers(c, "saved"))
}

// deleteUser removes an account. The last master of a group cannot go:
// the page says so in a sentence beside the row.
func (s *server) deleteUser(c *reqCtx) error {
	email := c.r.PostFormValue("email")
	if strings.EqualFold(email, c.sess.User.Email) {
		return s.userRefused(c, email, c.T("admin.users.delete.self"))
	}
	err := s.store.DeleteUser(c.r.Context(), c.actor(), email)
	if isKind(err, groups.ErrConflict) {
		return s.userRefused(c, email, c.T("admin.users.lastmaster", email, lastMasterGroup(groups.Message(err))))
	}
	if err != nil {
		return s.userError(c, email, err)
	}
	return c.redirect(s.backToUsers(c, "user_deleted"))
}

// lastMasterGroup picks the group id out of the store's last-master
// refusal ("… is the last master of group ID; …").
func lastMasterGroup(msg string) string {
	_, after, ok := strings.Cut(msg, "last master of group ")
	if !ok {
		return "?"
	}
	id, _, _ := strings.Cut(after, ";")
	return id
}

// userError shows a refusal of the model beside the row; other errors
// are the error page's.
func (s *server) userError(c *reqCtx, email string, err error) error {
	switch {
	case isKind(err, groups.ErrNotFound):
		return s.userRefused(c, email, c.T("admin.users.missing", email))
	case isKind(err, groups.ErrInvalid), isKind(err, groups.ErrDenied):
		return s.userRefused(c, email, groups.Message(err))
	}
	return err
}

func (s *server) userRefused(c *reqCtx, email, msg string) error {
	p := &usersPage{Page: pageParam(c.r.PostFormValue("page")), RowErr: map[string]string{strings.ToLower(email): msg}}
	return s.showUsers(c, http.StatusUnprocessableEntity, p)
}

// backToUsers is the list page the action came from, with a notice.
func (s *server) backToUsers(c *reqCtx, done string) string {
	return "/admin/users?" + url.Values{"page": {strconv.Itoa(pageParam(c.r.PostFormValue("page")))}, "done": {done}}.Encode()
}

// pageParam reads a 1-based page number.
func pageParam(v string) int {
	if n, err := strconv.Atoi(v); err == nil && n > 1 && n < 100000 {
		return n
	}
	return 1
}
