package api

import (
	"net/http"

	"groupd/groups"
)

// GET /api/v1/groups/preview?name=TEXT[&id=ID] → {"id", "address",
// "available"}: what creating a group would give it, so that a client
// or the console can show the id and list address for editing before
// the group exists. With id, whether that id (and its default address)
// is free; when not, available is false and id is a free one made from
// it. Every collision reads alike, whoever holds the id. Open to those
// who may create groups.
func (s *server) previewGroup(w http.ResponseWriter, r *http.Request, a groups.Actor) error {
	q := r.URL.Query()
	if err := onlyParams(q, "name", "id"); err != nil {
		return err
	}
	p, err := s.store.PreviewGroupID(r.Context(), a, q.Get("name"), q.Get("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}
