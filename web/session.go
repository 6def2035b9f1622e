package web

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"strings"

	"groupd/groups"
)

const (
	sessionCookie = "groupd_session"
	// preCookie carries the signed-out forms' CSRF token (double submit):
	// a forged sign-in form cannot know it.
	preCookie = "groupd_pre"
)

// signinPage is the data of the sign-in form.
type signinPage struct {
	Email string
	Next  string
	Error string
}

// signinForm shows the sign-in form; a signed-in user goes to the groups.
func (s *server) signinForm(c *reqCtx) error {
	if ck, err := c.r.Cookie(sessionCookie); err == nil {
		if _, err := s.store.SessionByToken(c.r.Context(), ck.Value, s.opts.Sessions); err == nil {
			return c.redirect(safeNext(c.r.URL.Query().Get("next")))
		}
	}
	return s.showSignin(c, http.StatusOK, signinPage{Next: safeNext(c.r.URL.Query().Get("next"))})
}

func (s *server) showSignin(c *reqCtx, status int, p signinPage) error {
	c.preToken = s.preToken(c)
	return c.render(status, "signin", c.T("signin.title"), p)
}

// preToken returns the signed-out CSRF token, setting its cookie when new.
func (s *server) preToken(c *reqCtx) string {
	if ck, err := c.r.Cookie(preCookie); err == nil && len(ck.Value) == 43 {
		return ck.Value
	}
	b := make([]byte, 32)
	rand.Read(b)
	v := base64.RawURLEncoding.EncodeToString(b)
	http.SetCookie(c.w, s.cookie(preCookie, v, 0))
	return v
}

// signin checks the email and password through the store's one login
// service (same throttling as every protocol; app passwords refused),
// then starts a session.
func (s *server) signin(c *reqCtx) error {
	r := c.r
	ck, err := r.Cookie(preCookie)
	if s.csrf.Check(r) != nil || err != nil || !sameToken(r.PostFormValue(csrfField), ck.Value) {
		return csrfError()
	}
	p := signinPage{Email: strings.TrimSpace(r.PostFormValue("email")), Next: safeNext(r.PostFormValue("next"))}
	u, err := s.store.Login(r.Context(), groups.LoginRequest{Email: p.Email, Password: r.PostFormValue("password"),
		Remote: r.RemoteAddr, Protocol: "web", AccountPasswordOnly: true})
	switch {
	case isKind(err, groups.ErrUnauthenticated):
		p.Error = c.T("signin.wrong")
		return s.showSignin(c, http.StatusUnauthorized, p)
	case isKind(err, groups.ErrThrottled):
		c.w.Header().Set("Retry-After", "60")
		p.Error = c.T("signin.throttled")
		return s.showSignin(c, http.StatusTooManyRequests, p)
	case err != nil:
		return err
	}
	token, err := s.store.CreateSession(r.Context(), u)
	if err != nil {
		return err
	}
	http.SetCookie(c.w, s.cookie(sessionCookie, token, 0))
	return c.redirect(p.Next)
}

// signout ends the session and clears its cookie.
func (s *server) signout(c *reqCtx) error {
	if err := s.store.EndSession(c.r.Context(), c.token); err != nil {
		return err
	}
	http.SetCookie(c.w, s.cookie(sessionCookie, "", -1))
	return c.redirect("/signin")
}

// cookie is a console cookie: HttpOnly, SameSite=Lax, Secure under TLS,
// for the whole origin. maxAge 0 lasts the browser session; -1 deletes.
func (s *server) cookie(name, value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: s.opts.SecureCookies, SameSite: http.SameSiteLaxMode}
}

// safeNext keeps a post-sign-in destination on this site: a path, never
// another host ("//evil.example", "/\\evil.example", "https://…").
func safeNext(next string) string {
	if next == "" || next[0] != '/' || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return "/groups"
	}
	return next
}

// setLanguage is the language switch: it sets the "lang" cookie (a year)
// and goes back where the user was.
func (s *server) setLanguage(c *reqCtx) error {
	l := c.r.URL.Query().Get("l")
	if !isLanguage(l) {
		return &groups.Error{Kind: groups.ErrInvalid, Msg: c.T("error.language")}
	}
	ck := s.cookie("lang", l, 365*24*3600)
	ck.HttpOnly = false
	http.SetCookie(c.w, ck)
	return c.redirect(safeNext(c.r.URL.Query().Get("back")))
}
