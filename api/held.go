package api

import (
	"net/http"
	"strconv"

	"groupd/groups"
)

// Moderation (issue 13): the posts a list holds, for its masters and
// admins. Others get what the privacy rules say (a private group answers
// an outsider as a missing one: 404; a member: 403).

// GET /api/v1/groups/{id}/held → {"held": [{"n","sender","verified",
// "subject","message_id","received","size"}...]}, oldest first.
func (s *server) listHeld(w http.ResponseWriter, r *http.Request, a groups.Actor) error {
	held, err := s.store.ListHeld(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"held": held})
	return nil
}

// GET /api/v1/groups/{id}/held/{n} → the raw message (message/rfc822,
// RFC 2046 §5.2.1) as it would go out.
func (s *server) getHeld(w http.ResponseWriter, r *http.Request, a groups.Actor) error {
	n, err := heldNumber(r)
	if err != nil {
		return err
	}
	data, err := s.store.HeldMessage(r.Context(), a, r.PathValue("id"), n)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "message/rfc822")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(data)
	return err
}

// heldRequest is the body of POST /api/v1/groups/{id}/held/{n}.
type heldRequest struct {
	Action string `json:"action"` // approve, reject or discard
	Reason string `json:"reason"` // reject: told to a verified author
}

// POST /api/v1/groups/{id}/held/{n} {"action": "approve"|"reject"|
// "discard", "reason"} → 204. Approve delivers the post as if accepted
// now; reject tells a verified author the reason.
func (s *server) decideHeld(w http.ResponseWriter, r *http.Request, a groups.Actor) error {
	n, err := heldNumber(r)
	if err != nil {
		return err
	}
	var req heldRequest
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	if err := s.store.DecideHeld(r.Context(), a, r.PathValue("id"), n, req.Action, req.Reason); err != nil {
		return err
	}
	noContent(w)
	return nil
}

func heldNumber(r *http.Request) (int64, error) {
	n, err := strconv.ParseInt(r.PathValue("n"), 10, 64)
	if err != nil || n <= 0 {
		return 0, &groups.Error{Kind: groups.ErrNotFound, Msg: "no held post " + strconv.Quote(r.PathValue("n"))}
	}
	return n, nil
}
