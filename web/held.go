package web

import (
	"net/http"
	"strconv"

	"groupd/groups"
)

// The "Held posts" pages (issue 13): a master lists the posts the list's
// moderation holds, reads one, and approves, rejects (with a reason told
// to a verified author) or discards it. The rules are the store's
// (groups.Store.ListHeld, HeldMessage, DecideHeld).

func (s *server) heldRoutes() {
	m := s.mux
	m.Handle("GET /g/{id}/held", s.signedIn(s.heldList))
	m.Handle("GET /g/{id}/held/{n}", s.signedIn(s.heldView))
	m.Handle("POST /g/{id}/held/{n}", s.signedIn(s.heldDecide))
}

// heldPage is the list, or one post (Post set) with its text.
type heldPage struct {
	*groupView
	Held   []groups.HeldPost
	Post   *groups.HeldPost
	Raw    string
	Reason string
	Errors []string
}

func (s *server) heldList(c *reqCtx) error {
	return s.showHeld(c, http.StatusOK, &heldPage{})
}

func (s *server) showHeld(c *reqCtx, status int, p *heldPage) error {
	v, err := s.loadGroup(c, "about")
	if err != nil {
		return err
	}
	p.groupView = v
	if p.Held, err = s.store.ListHeld(c.r.Context(), c.actor(), v.G.ID); err != nil {
		return err
	}
	return c.render(status, "held", c.T("held.title", v.G.Name), p)
}

func (s *server) heldView(c *reqCtx) error {
	return s.showHeldPost(c, http.StatusOK, &heldPage{})
}

// showHeldPost shows held post n: its summary and its text as it would
// go out, escaped (never rendered as HTML).
func (s *server) showHeldPost(c *reqCtx, status int, p *heldPage) error {
	n, err := strconv.ParseInt(c.r.PathValue("n"), 10, 64)
	if err != nil || n <= 0 {
		return errNotFound()
	}
	v, err := s.loadGroup(c, "about")
	if err != nil {
		return err
	}
	p.groupView = v
	if p.Post, err = s.store.GetHeld(c.r.Context(), c.actor(), v.G.ID, n); err != nil {
		return err
	}
	raw, err := s.store.HeldMessage(c.r.Context(), c.actor(), v.G.ID, n)
	if err != nil {
		return err
	}
	p.Raw = string(raw)
	return c.render(status, "held", c.T("held.title", v.G.Name), p)
}

// heldDecide applies the button pressed: approve, reject or discard.
func (s *server) heldDecide(c *reqCtx) error {
	id := c.r.PathValue("id")
	n, err := strconv.ParseInt(c.r.PathValue("n"), 10, 64)
	if err != nil || n <= 0 {
		return errNotFound()
	}
	action, reason := c.r.PostFormValue("action"), c.r.PostFormValue("reason")
	if err := s.store.DecideHeld(c.r.Context(), c.actor(), id, n, action, reason); err != nil {
		if statusOf(err) == http.StatusUnprocessableEntity || statusOf(err) == http.StatusConflict {
			return s.showHeldPost(c, statusOf(err), &heldPage{Reason: reason, Errors: []string{groups.Message(err)}})
		}
		return err
	}
	return c.redirect("/g/" + id + "/held?done=" + action)
}
