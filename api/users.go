package api

import (
	"net/http"

	"groupd/groups"
)

// POST /api/v1/users (admin): body {"email","name","password"[,"admin"]}
// → 201 with the user and Location.
func (s *server) createUser(w http.ResponseWriter, r *http.Request, a groups.Actor) error {
	var spec groups.UserSpec
	if err := s.decode(w, r, &spec); err != nil {
		return err
	}
	u, err := s.store.CreateUser(r.Context(), a, spec)
	if err != nil {
		return err
	}
	created(w, "/api/v1/users/"+pathEscape(u.Email), u)
	return nil
}

// GET /api/v1/users?limit=&offset= (admin) → {"users": [...]}.
func (s *server) listUsers(w http.ResponseWriter, r *http.Request, a groups.Actor) error {
	q := r.URL.Query()
	limit, err := queryInt(q, "limit", 0)
	if err != nil {
		return err
	}
	offset, err := queryInt(q, "offset", 0)
	if err != nil {
		return err
	}
	users, err := s.store.ListUsers(r.Context(), a, limit, offset)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"users": users})
	return nil
}

// GET /api/v1/users/{email}: admins read anyone, a user themself.
func (s *server) getUser(w http.ResponseWriter, r *http.Request, a groups.Actor) error {
	u, err := s.store.GetUser(r.Context(), a, r.PathValue("email"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

// PATCH /api/v1/users/{email}: admins edit anyone; a user edits their own
// name and password.
func (s *server) updateUser(w http.ResponseWriter, r *http.Request, a groups.Actor) error {
	var spec groups.UserSpec
	if err := s.decode(w, r, &spec); err != nil {
		return err
	}
	u, err := s.store.UpdateUser(r.Context(), a, r.PathValue("email"), spec)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

// DELETE /api/v1/users/{email} (admin) → 204.
func (s *server) deleteUser(w http.ResponseWriter, r *http.Request, a groups.Actor) error {
	if err := s.store.DeleteUser(r.Context(), a, r.PathValue("email")); err != nil {
		return err
	}
	noContent(w)
	return nil
}
