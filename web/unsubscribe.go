package web

import (
	"net/http"
	"strings"

	"groupd/groups"
)

// One-click unsubscribe of an external list address (issue 13, RFC 8058).
// The link in an external address's copy of a post is /u/<token>:
//
//   - GET shows what the token names and a button that POSTs; it changes
//     nothing, since mail scanners and link previews fetch links unasked
//     (RFC 8058 §1);
//   - POST with the body List-Unsubscribe=One-Click (form-urlencoded or
//     multipart, RFC 8058 §3.2) removes the address at once and says so.
//
// Both are public: the mailbox provider posts without a session or a
// CSRF token, and the token is the only authority (it names one address
// of one list, which only that address's mail carries). A malformed,
// forged or stale token is the console's ordinary 404 page and changes
// nothing. The pages are console pages: the strict CSP holds, no script
// is needed.

// unsubscribeRoutes registers the public unsubscribe link.
func (s *server) unsubscribeRoutes() {
	s.mux.Handle("GET /u/{token}", s.public(s.unsubscribeForm))
	s.mux.Handle("POST /u/{token}", s.public(s.unsubscribe))
}

// unsubscribePage is the data of unsubscribe.html.
type unsubscribePage struct {
	Token string
	U     *groups.Unsubscription
	Done  bool // removed: the answer to the POST
}

// maxUnsubscribeBody bounds the POST's body: it carries one short field.
const maxUnsubscribeBody = 16 << 10

// unsubscribeForm is the confirmation page of a GET.
func (s *server) unsubscribeForm(c *reqCtx) error {
	token := c.r.PathValue("token")
	u, err := s.store.LookupUnsubscribe(c.r.Context(), token)
	if err != nil {
		return err
	}
	return c.render(http.StatusOK, "unsubscribe", c.T("unsubscribe.title"), unsubscribePage{Token: token, U: u})
}

// unsubscribe removes the address the token names (RFC 8058 §3.2).
func (s *server) unsubscribe(c *reqCtx) error {
	r := c.r
	r.Body = http.MaxBytesReader(c.w, r.Body, maxUnsubscribeBody)
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		if err := r.ParseMultipartForm(maxUnsubscribeBody); err != nil {
			return oneClickMissing()
		}
	} else if err := r.ParseForm(); err != nil {
		return oneClickMissing()
	}
	if r.PostFormValue("List-Unsubscribe") != "One-Click" {
		return oneClickMissing()
	}
	u, err := s.store.Unsubscribe(r.Context(), r.PathValue("token"), groups.UnsubscribeWeb)
	if err != nil {
		return err
	}
	return c.render(http.StatusOK, "unsubscribe", c.T("unsubscribe.title"), unsubscribePage{U: u, Done: true})
}

// oneClickMissing answers a POST without the body RFC 8058 §3.2 asks for.
func oneClickMissing() error {
	return &groups.Error{Kind: groups.ErrInvalid, Msg: "the request must carry List-Unsubscribe=One-Click"}
}
