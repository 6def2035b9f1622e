package web

import (
	"net/http"
	"strconv"

	"groupd/groups"
)

// The "Join requests" page (issue 13): a master sees the requests mailed
// to the list's -join@ address, each with its words, and approves or
// declines it (with a reason told to a verified requester). The rules
// are the store's (groups.Store.ListJoinRequests, DecideJoinRequest):
// members get 403, outsiders of a private group 404.

func (s *server) requestRoutes() {
	m := s.mux
	m.Handle("GET /g/{id}/requests", s.signedIn(s.requestList))
	m.Handle("POST /g/{id}/requests/{n}", s.signedIn(s.requestDecide))
}

// requestsPage is the list; Failed is the request a refused decision was
// about, shown with the store's sentence and the reason typed.
type requestsPage struct {
	*groupView
	Requests []groups.PendingJoin
	Failed   int64
	Reason   string
	Errors   []string
}

func (s *server) requestList(c *reqCtx) error {
	return s.showRequests(c, http.StatusOK, &requestsPage{})
}

func (s *server) showRequests(c *reqCtx, status int, p *requestsPage) error {
	v, err := s.loadGroup(c, "about")
	if err != nil {
		return err
	}
	p.groupView = v
	if p.Requests, err = s.store.ListJoinRequests(c.r.Context(), c.actor(), v.G.ID); err != nil {
		return err
	}
	return c.render(status, "requests", c.T("requests.title", v.G.Name), p)
}

// requestDecide applies the button pressed: approve or decline. A
// refusal the master can act on (an outsider for an internal group, a
// reason too long) comes back as the page with the sentence.
func (s *server) requestDecide(c *reqCtx) error {
	id := c.r.PathValue("id")
	n, err := strconv.ParseInt(c.r.PathValue("n"), 10, 64)
	if err != nil || n <= 0 {
		return errNotFound()
	}
	action, reason := c.r.PostFormValue("action"), c.r.PostFormValue("reason")
	if err := s.store.DecideJoinRequest(c.r.Context(), c.actor(), id, n, action, reason); err != nil {
		if st := statusOf(err); st == http.StatusUnprocessableEntity || st == http.StatusConflict {
			return s.showRequests(c, st, &requestsPage{Failed: n, Reason: reason, Errors: []string{groups.Message(err)}})
		}
		return err
	}
	return c.redirect("/g/" + id + "/requests?done=join" + action)
}
