package api

import (
	"net/http"
	"strings"

	"groupd/groups"
)

// GET /api/v1/groups/{id}/members → {"members": [{"email","name","role"}...]},
// masters included; whoever may see the group may see them.
func (s *server) listMembers(w http.ResponseWriter, r *http.Request, a groups.Actor) error {
	members, err := s.store.Members(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"members": members})
	return nil
}

// memberRequest is the body of PUT /api/v1/groups/{id}/members/{email}.
type memberRequest struct {
	Role string `json:"role"`
}

// PUT /api/v1/groups/{id}/members/{email} {"role": "master"|"member"}:
// masters and admins add a member or change their role; an empty body
// means "member" → 200 with the membership {"email","name","role"}.
func (s *server) putMember(w http.ResponseWriter, r *http.Request, a groups.Actor) error {
	req := memberRequest{Role: groups.RoleMember}
	if _, err := s.decodeOptional(w, r, &req); err != nil {
		return err
	}
	id, email := r.PathValue("id"), r.PathValue("email")
	if err := s.store.SetMember(r.Context(), a, id, email, req.Role); err != nil {
		return err
	}
	members, err := s.store.Members(r.Context(), a, id)
	if err != nil {
		return err
	}
	for _, m := range members {
		if m.Email == strings.ToLower(email) {
			writeJSON(w, http.StatusOK, m)
			return nil
		}
	}
	return &groups.Error{Kind: groups.ErrConflict, Msg: email + " was removed again meanwhile"}
}

// DELETE /api/v1/groups/{id}/members/{email}: masters and admins remove a
// member → 204. The last master cannot be removed (409).
func (s *server) deleteMember(w http.ResponseWriter, r *http.Request, a groups.Actor) error {
	if err := s.store.RemoveMember(r.Context(), a, r.PathValue("id"), r.PathValue("email")); err != nil {
		return err
	}
	noContent(w)
	return nil
}
