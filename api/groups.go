package api

import (
	"net/http"

	"groupd/groups"
)

// groupPath is a group's URL, for Location headers.
func groupPath(id string) string { return "/api/v1/groups/" + pathEscape(id) }

// POST /api/v1/groups: body the group model's fields plus masters and
// members → 201 with the group and Location. The policy decides who may.
func (s *server) createGroup(w http.ResponseWriter, r *http.Request, a groups.Actor) error {
	var spec groups.GroupSpec
	if err := s.decode(w, r, &spec); err != nil {
		return err
	}
	g, err := s.store.CreateGroup(r.Context(), a, spec)
	if err != nil {
		return err
	}
	created(w, groupPath(g.ID), g)
	return nil
}

// GET /api/v1/groups/{id} → the group. Outsiders of a public group see it
// without the list's address sets; a private group is a 404 to them.
func (s *server) getGroup(w http.ResponseWriter, r *http.Request, a groups.Actor) error {
	g, err := s.store.GetGroup(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, g)
	return nil
}

// PATCH /api/v1/groups/{id}: masters and admins edit settings → the group.
func (s *server) updateGroup(w http.ResponseWriter, r *http.Request, a groups.Actor) error {
	var spec groups.GroupSpec
	if err := s.decode(w, r, &spec); err != nil {
		return err
	}
	g, err := s.store.UpdateGroup(r.Context(), a, r.PathValue("id"), spec)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, g)
	return nil
}

// DELETE /api/v1/groups/{id}: masters and admins → 204.
func (s *server) deleteGroup(w http.ResponseWriter, r *http.Request, a groups.Actor) error {
	if err := s.store.DeleteGroup(r.Context(), a, r.PathValue("id")); err != nil {
		return err
	}
	noContent(w)
	return nil
}

// purgeRequest is the body of POST /api/v1/groups/{id}/purge.
type purgeRequest struct {
	Features []string `json:"features"`
}

// POST /api/v1/groups/{id}/purge {"features": [...]}: masters and admins
// delete the named features' data → 204.
func (s *server) purge(w http.ResponseWriter, r *http.Request, a groups.Actor) error {
	var req purgeRequest
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	if err := s.store.Purge(r.Context(), a, r.PathValue("id"), req.Features); err != nil {
		return err
	}
	noContent(w)
	return nil
}
