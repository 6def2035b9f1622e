package web

import (
	"net/http"
	"net/url"
	"time"
	_ "time/tzdata" // time zones for users' dates, whatever the host has

	"groupd/groups"
)

// reqCtx is one request as a console handler sees it.
type reqCtx struct {
	s        *server
	w        http.ResponseWriter
	r        *http.Request
	sess     *groups.Session // nil when signed out
	token    string          // the session cookie's value
	preToken string          // the signed-out forms' CSRF token
	lang     string
	tz       *time.Location
	nav      string
	notice   string
}

// T is a catalog text in the request's language.
func (c *reqCtx) T(key string, args ...any) string { return c.s.cat.text(c.lang, key, args...) }

// actor is who asks.
func (c *reqCtx) actor() groups.Actor { return groups.UserActor(c.sess.User) }

// handlerFunc serves one console route; an error it returns is answered
// by fail (an error page with a sentence, never a stack trace).
type handlerFunc func(c *reqCtx) error

func (s *server) newCtx(w http.ResponseWriter, r *http.Request) *reqCtx {
	c := &reqCtx{s: s, w: w, r: r, lang: pickLanguage(r, s.opts.Language), tz: time.UTC}
	if ck, err := r.Cookie("tz"); err == nil {
		if loc, err := time.LoadLocation(ck.Value); err == nil && ck.Value != "" && ck.Value != "Local" {
			c.tz = loc
		}
	}
	if v, ok := noticeKeys[r.URL.Query().Get("done")]; ok {
		c.notice = c.T(v)
	}
	return c
}

// signedIn wraps a route that needs a session: without one, a GET goes
// to the sign-in page and comes back after; anything else is refused.
// A request that changes state must carry the session's CSRF token and
// pass the Origin check.
func (s *server) signedIn(fn handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := s.newCtx(w, r)
		if ck, err := r.Cookie(sessionCookie); err == nil {
			c.token = ck.Value
			sess, err := s.store.SessionByToken(r.Context(), ck.Value, s.opts.Sessions)
			if err == nil {
				c.sess = sess
			} else if !isKind(err, groups.ErrUnauthenticated) {
				s.fail(c, err)
				return
			}
		}
		if c.sess == nil {
			if r.Method == http.MethodGet || r.Method == http.MethodHead {
				http.Redirect(w, r, "/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			s.fail(c, &groups.Error{Kind: groups.ErrUnauthenticated, Msg: c.T("error.signin")})
			return
		}
		if changesState(r) {
			if err := s.checkCSRF(r, c.sess.CSRF); err != nil {
				s.fail(c, err)
				return
			}
		}
		if err := fn(c); err != nil {
			s.fail(c, err)
		}
	})
}

// public wraps a route open without a session (sign-in, static files).
func (s *server) public(fn handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := s.newCtx(w, r)
		if err := fn(c); err != nil {
			s.fail(c, err)
		}
	})
}

func changesState(r *http.Request) bool {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return false
	}
	return true
}

// noticeKeys are the "done" notices a redirect after a change may show.
var noticeKeys = map[string]string{
	"created":  "notice.created",
	"saved":    "notice.saved",
	"members":  "notice.members",
	"purged":   "notice.purged",
	"deleted":  "notice.deleted",
	"password": "notice.password",
	"posted":   "notice.posted",
	"heldpost": "notice.posted.held",
	"delivery": "notice.delivery",
	"uploaded": "notice.uploaded",
	"fmkdir":   "folder.notice.mkdir",   // Folder tab
	"frenamed": "folder.notice.renamed", // Folder tab
	"fmoved":   "folder.notice.moved",   // Folder tab
	"fdeleted": "folder.notice.deleted", // Folder tab
	// admin and account pages
	"user_created":   "notice.user.created",
	"password_reset": "notice.password.reset",
	"user_deleted":   "notice.user.deleted",
	"app_revoked":    "notice.app.revoked",
	"quota":          "notice.quota",
	// notes, events and tasks tabs
	"notesaved":     "notice.note.saved",
	"notedeleted":   "notice.note.deleted",
	"attached":      "notice.note.attached",
	"attachdeleted": "notice.note.attachdeleted",
	"eventsaved":    "notice.event.saved",
	"eventdeleted":  "notice.event.deleted",
	"tasksaved":     "notice.task.saved",
	// held posts (held.go)
	"approve": "notice.held.approve",
	"reject":  "notice.held.reject",
	"discard": "notice.held.discard",
	// join requests (requests.go)
	"joinapprove": "notice.join.approve",
	"joindecline": "notice.join.decline",
}
