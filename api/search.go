package api

import (
	"net/http"

	"groupd/groups"
)

// GET /api/v1/groups?view=all|belong|manage&q=TEXT&limit=&offset= →
// {"groups": [summary...]}. q is a prefix of a word of the name or of
// the list address (in Hangul and CJK, any part of the name), taken
// literally (no wildcards).
func (s *server) listGroups(w http.ResponseWriter, r *http.Request, a groups.Actor) error {
	q := r.URL.Query()
	if err := onlyParams(q, "view", "q", "limit", "offset"); err != nil {
		return err
	}
	lq := groups.ListQuery{View: q.Get("view"), Q: q.Get("q")}
	var err error
	if lq.Limit, err = queryInt(q, "limit", 0); err != nil {
		return err
	}
	if lq.Offset, err = queryInt(q, "offset", 0); err != nil {
		return err
	}
	list, err := s.store.ListGroups(r.Context(), a, lq)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"groups": list})
	return nil
}

// GET /api/v1/autocomplete?q=TEXT&limit= → {"groups": [summary...]}, at
// most limit (default 10), under the visibility rules of the "all" view.
func (s *server) autocomplete(w http.ResponseWriter, r *http.Request, a groups.Actor) error {
	text, limit, err := prefixQuery(r)
	if err != nil {
		return err
	}
	list, err := s.store.Autocomplete(r.Context(), a, text, limit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"groups": list})
	return nil
}

// prefixQuery reads the q and limit parameters of a look-up as you type
// (autocomplete, people), refusing any other parameter.
func prefixQuery(r *http.Request) (string, int, error) {
	q := r.URL.Query()
	if err := onlyParams(q, "q", "limit"); err != nil {
		return "", 0, err
	}
	limit, err := queryInt(q, "limit", 0)
	return q.Get("q"), limit, err
}
