package api

import (
	"net/http"
	"strconv"

	"groupd/groups"
)

// App passwords (issue 4): per-device secrets so that a calendar or mail
// app need not hold the main password. The user themself or an admin.

// POST /api/v1/users/{email}/app-passwords {"name": "phone"} → 201 with
// {"id","name","created","last_used","password"}: the secret, shown once.
func (s *server) createAppPassword(w http.ResponseWriter, r *http.Request, a groups.Actor) error {
	var body struct {
		Name string `json:"name"`
	}
	if err := s.decode(w, r, &body); err != nil {
		return err
	}
	email := r.PathValue("email")
	ap, err := s.store.CreateAppPassword(r.Context(), a, email, body.Name)
	if err != nil {
		return err
	}
	created(w, "/api/v1/users/"+pathEscape(email)+"/app-passwords/"+strconv.FormatInt(ap.ID, 10), ap)
	return nil
}

// GET /api/v1/users/{email}/app-passwords → {"app_passwords": [...]}
// without secrets.
func (s *server) listAppPasswords(w http.ResponseWriter, r *http.Request, a groups.Actor) error {
	list, err := s.store.AppPasswords(r.Context(), a, r.PathValue("email"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"app_passwords": list})
	return nil
}

// DELETE /api/v1/users/{email}/app-passwords/{pw} → 204; it stops
// working at once.
func (s *server) revokeAppPassword(w http.ResponseWriter, r *http.Request, a groups.Actor) error {
	id, _ := strconv.ParseInt(r.PathValue("pw"), 10, 64) // not a number: no such password
	if err := s.store.RevokeAppPassword(r.Context(), a, r.PathValue("email"), id); err != nil {
		return err
	}
	noContent(w)
	return nil
}
