package api

import (
	"net/http"
	"strconv"

	"groupd/groups"
)

// Join requests (issue 13): the requests mailed to a list's -join@
// address, for its masters and admins. Others get what the privacy
// rules say (a private group answers an outsider as a missing one: 404;
// a member: 403), as for held posts.

// GET /api/v1/groups/{id}/requests → {"requests": [{"n","address","name",
// "subject","text","truncated","verified","first","last","count"}...]},
// oldest first.
func (s *server) listJoinRequests(w http.ResponseWriter, r *http.Request, a groups.Actor) error {
	reqs, err := s.store.ListJoinRequests(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"requests": reqs})
	return nil
}

// GET /api/v1/groups/{id}/requests/{n} → one request, as listed.
func (s *server) getJoinRequest(w http.ResponseWriter, r *http.Request, a groups.Actor) error {
	n, err := joinNumber(r)
	if err != nil {
		return err
	}
	j, err := s.store.GetJoinRequest(r.Context(), a, r.PathValue("id"), n)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, j)
	return nil
}

// joinDecision is the body of POST /api/v1/groups/{id}/requests/{n}.
type joinDecision struct {
	Action string `json:"action"` // approve or decline
	Reason string `json:"reason"` // told to a verified requester
}

// POST /api/v1/groups/{id}/requests/{n} {"action": "approve"|"decline",
// "reason"} → 204. Approve adds the requester (a member, or an external
// member of the list; 409 for an outsider when the group is not
// external, and the request stays); decline drops it.
func (s *server) decideJoinRequest(w http.ResponseWriter, r *http.Request, a groups.Actor) error {
	n, err := joinNumber(r)
	if err != nil {
		return err
	}
	var req joinDecision
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	if err := s.store.DecideJoinRequest(r.Context(), a, r.PathValue("id"), n, req.Action, req.Reason); err != nil {
		return err
	}
	noContent(w)
	return nil
}

func joinNumber(r *http.Request) (int64, error) {
	n, err := strconv.ParseInt(r.PathValue("n"), 10, 64)
	if err != nil || n <= 0 {
		return 0, &groups.Error{Kind: groups.ErrNotFound, Msg: "no join request " + strconv.Quote(r.PathValue("n"))}
	}
	return n, nil
}
