package api

import (
	"net/http"

	"groupd/groups"
)

// deliveryRequest is the body of the PUT delivery routes (issue 13).
type deliveryRequest struct {
	Mode string `json:"mode"`
}

// GET /api/v1/groups/{id}/delivery → {"mode": "each"|"digest"|"none"}:
// the signed-in member's own delivery mode (404 for a non-member).
func (s *server) getDelivery(w http.ResponseWriter, r *http.Request, a groups.Actor) error {
	mode, err := s.store.Delivery(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]string{"mode": mode})
	return nil
}

// PUT /api/v1/groups/{id}/delivery {"mode": …}: a member sets their own
// delivery mode → 200 {"mode"}. Members cannot leave; "none" stops mail.
func (s *server) putDelivery(w http.ResponseWriter, r *http.Request, a groups.Actor) error {
	var req deliveryRequest
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	if err := s.store.SetDelivery(r.Context(), a, r.PathValue("id"), req.Mode); err != nil {
		return err
	}
	return s.getDelivery(w, r, a)
}

// GET /api/v1/groups/{id}/external/{address}/delivery → {"address",
// "mode"}: masters and admins read an external list address's mode.
func (s *server) getExternalDelivery(w http.ResponseWriter, r *http.Request, a groups.Actor) error {
	addr := r.PathValue("address")
	mode, err := s.store.ExternalDelivery(r.Context(), a, r.PathValue("id"), addr)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]string{"address": addr, "mode": mode})
	return nil
}

// PUT /api/v1/groups/{id}/external/{address}/delivery {"mode": …}:
// masters and admins set an external list address's mode → 200.
func (s *server) putExternalDelivery(w http.ResponseWriter, r *http.Request, a groups.Actor) error {
	var req deliveryRequest
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	if err := s.store.SetExternalDelivery(r.Context(), a, r.PathValue("id"), r.PathValue("address"), req.Mode); err != nil {
		return err
	}
	return s.getExternalDelivery(w, r, a)
}
