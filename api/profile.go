package api

import (
	"fmt"
	"io"
	"net/http"
	"strconv"

	"groupd/groups"
)

// GET /api/v1/groups/{id}/profile → the image bytes with their
// Content-Type (image/png or image/jpeg); 404 when the group has none.
func (s *server) getProfile(w http.ResponseWriter, r *http.Request, a groups.Actor) error {
	ct, data, err := s.store.Profile(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(data)
	}
	return nil
}

// PUT /api/v1/groups/{id}/profile, body the PNG or JPEG image itself
// (masters and admins) → 204. Over 1 MiB or not PNG/JPEG → 422 (SPEC §1
// makes the size a rule of the model, not a transport limit).
func (s *server) putProfile(w http.ResponseWriter, r *http.Request, a groups.Actor) error {
	// Read one byte past the limit to tell "exactly 1 MiB" from "over".
	body := http.MaxBytesReader(w, r.Body, groups.MaxProfileBytes+1)
	data, err := io.ReadAll(body)
	if err != nil && len(data) <= groups.MaxProfileBytes {
		return badRequest("the image could not be read: " + err.Error())
	}
	if len(data) > groups.MaxProfileBytes {
		return &groups.Error{Kind: groups.ErrInvalid,
			Msg: fmt.Sprintf("the profile image is over 1 MiB; at most %d bytes are allowed", groups.MaxProfileBytes)}
	}
	if err := s.store.SetProfile(r.Context(), a, r.PathValue("id"), data); err != nil {
		return err
	}
	noContent(w)
	return nil
}
