package api

import (
	"net/http"

	"groupd/groups"
)

// GET /api/v1/people?q=TEXT&limit= → {"people": [{"email", "name"}...]}:
// the organisation's internal users whose name or address starts with q,
// at most limit (default 10, at most 50), for people pickers (SPEC §3).
// Open to internal users and admins; an external (guest) user is refused
// with 403, the directory being the organisation's.
func (s *server) people(w http.ResponseWriter, r *http.Request, a groups.Actor) error {
	text, limit, err := prefixQuery(r)
	if err != nil {
		return err
	}
	list, err := s.store.People(r.Context(), a, text, limit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"people": list})
	return nil
}
