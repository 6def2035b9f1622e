package api

import (
	"net/http"

	"groupd/groups"
)

// GET /api/v1/policy (admin) → {"create_groups","disabled_features",
// "external_authority"}.
func (s *server) getPolicy(w http.ResponseWriter, r *http.Request, a groups.Actor) error {
	p, err := s.store.GetPolicy(r.Context(), a)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

// PUT /api/v1/policy (admin): the whole policy → the stored policy.
func (s *server) putPolicy(w http.ResponseWriter, r *http.Request, a groups.Actor) error {
	var p groups.Policy
	if err := s.decode(w, r, &p); err != nil {
		return err
	}
	stored, err := s.store.SetPolicy(r.Context(), a, p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, stored)
	return nil
}
