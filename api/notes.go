package api

import (
	"net/http"
	"strconv"

	"groupd/groups"
)

// noteID reads {note}. Text that is no note id becomes 0, which no note
// has, so that the store still checks the group first and a private group
// answers as a missing one whatever the note id looks like.
func noteID(r *http.Request) int64 {
	n, err := strconv.ParseInt(r.PathValue("note"), 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

func notePath(id string, nid int64) string {
	return groupPath(id) + "/notes/" + strconv.FormatInt(nid, 10)
}

// GET /api/v1/groups/{id}/notes (members) → {"notes": [...]}, newest first.
func (s *server) listNotes(w http.ResponseWriter, r *http.Request, a groups.Actor) error {
	notes, err := s.store.Notes(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	for i := range notes {
		dressNote(r.PathValue("id"), &notes[i])
	}
	writeJSON(w, http.StatusOK, map[string]any{"notes": notes})
	return nil
}

// POST /api/v1/groups/{id}/notes {"title","body"} (members) → 201 with
// the note and Location.
func (s *server) createNote(w http.ResponseWriter, r *http.Request, a groups.Actor) error {
	var spec groups.NoteSpec
	if err := s.decode(w, r, &spec); err != nil {
		return err
	}
	id := r.PathValue("id")
	n, err := s.store.CreateNote(r.Context(), a, id, spec)
	if err != nil {
		return err
	}
	created(w, notePath(id, n.ID), dressNote(id, n))
	return nil
}

// GET /api/v1/groups/{id}/notes/{note} (members) → the note.
func (s *server) getNote(w http.ResponseWriter, r *http.Request, a groups.Actor) error {
	n, err := s.store.GetNote(r.Context(), a, r.PathValue("id"), noteID(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, dressNote(r.PathValue("id"), n))
	return nil
}

// PATCH /api/v1/groups/{id}/notes/{note} {"title"?,"body"?} (the author or
// a master) → the note.
func (s *server) updateNote(w http.ResponseWriter, r *http.Request, a groups.Actor) error {
	var spec groups.NoteSpec
	if err := s.decode(w, r, &spec); err != nil {
		return err
	}
	n, err := s.store.UpdateNote(r.Context(), a, r.PathValue("id"), noteID(r), spec)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, dressNote(r.PathValue("id"), n))
	return nil
}

// DELETE /api/v1/groups/{id}/notes/{note} (the author or a master) → 204.
func (s *server) deleteNote(w http.ResponseWriter, r *http.Request, a groups.Actor) error {
	if err := s.store.DeleteNote(r.Context(), a, r.PathValue("id"), noteID(r)); err != nil {
		return err
	}
	noContent(w)
	return nil
}
