package web

import (
	"net/http"
	"strconv"
	"strings"

	"groupd/groups"
)

// The Notes tab: a group's notes, newest first; read one, write one, and
// edit or delete per the model's rule (the author or a master).

// noteRoutes registers the Notes tab.
func (s *server) noteRoutes() {
	m := s.mux
	m.Handle("GET /g/{id}/notes", s.signedIn(s.notesList))
	m.Handle("GET /g/{id}/notes/new", s.signedIn(s.noteNewForm))
	m.Handle("POST /g/{id}/notes/new", s.signedIn(s.noteCreate))
	m.Handle("GET /g/{id}/notes/{nid}", s.signedIn(s.noteRead))
	m.Handle("GET /g/{id}/notes/{nid}/edit", s.signedIn(s.noteEditForm))
	m.Handle("POST /g/{id}/notes/{nid}/edit", s.signedIn(s.noteUpdate))
	m.Handle("POST /g/{id}/notes/{nid}/delete", s.signedIn(s.noteDelete))
	s.attachRoutes() // its photos and files (notes_attach.go)
}

// noteItem is a note as the pages show it.
type noteItem struct {
	groups.Note
	AuthorName string
	Excerpt    string // the body's start, for the list
	Edited     bool   // changed after it was written
	CanEdit    bool   // the user may edit and delete it
}

// notesPage is the list, or one note (One set).
type notesPage struct {
	*groupView
	Notes []noteItem
	One   *noteItem
	// On one note's page: whether the user may add a file now, the
	// largest file and the refusal of an upload.
	CanAttach bool
	MaxAttach int64
	MaxFiles  int
	AttachErr string
}

// notePage is the page of one note.
func (s *server) notePage(v *groupView, it *noteItem) *notesPage {
	return &notesPage{groupView: v, One: it, MaxAttach: s.opts.MaxAttachmentBytes, MaxFiles: groups.MaxNoteAttachments,
		CanAttach: it.CanEdit && len(it.Attachments) < groups.MaxNoteAttachments}
}

// noteForm is the write and edit form, with what the user typed and the
// refusals beside their fields.
type noteForm struct {
	*groupView
	Edit   *noteItem // nil: a new note
	Title  string
	Body   string
	Errors map[string]string // field ("title", "body", "" for the form) -> sentence
}

// Err is the sentence for a field, "" when none.
func (f *noteForm) Err(field string) string { return f.Errors[field] }

// excerptRunes bounds the body shown in the list.
const excerptRunes = 160

// memberNames maps the group's members' addresses to their names.
func memberNames(v *groupView) map[string]string {
	names := map[string]string{}
	for _, list := range [][]groups.Member{v.Masters, v.Members} {
		for _, m := range list {
			if m.Name != "" {
				names[m.Email] = m.Name
			}
		}
	}
	return names
}

// noteItem dresses a note for v's user: the author's name (a former
// member shows by address), the excerpt and the right to change it,
// which mirrors the store's rule (author, master or admin).
func (c *reqCtx) noteItem(v *groupView, names map[string]string, n groups.Note) noteItem {
	it := noteItem{Note: n, AuthorName: n.Author, Edited: n.Updated.After(n.Created),
		CanEdit: n.Editable}
	if name, ok := names[n.Author]; ok {
		it.AuthorName = name
	}
	if r := []rune(strings.Join(strings.Fields(n.Body), " ")); len(r) > excerptRunes {
		it.Excerpt = string(r[:excerptRunes]) + "…"
	} else {
		it.Excerpt = string(r)
	}
	return it
}

func (s *server) notesList(c *reqCtx) error {
	v, err := s.loadGroup(c, groups.FeatureNote)
	if err != nil {
		return err
	}
	notes, err := s.store.Notes(c.r.Context(), c.actor(), v.G.ID)
	if err != nil {
		return err
	}
	p := &notesPage{groupView: v}
	names := memberNames(v)
	for _, n := range notes {
		p.Notes = append(p.Notes, c.noteItem(v, names, n))
	}
	return c.render(http.StatusOK, "notes", c.T("notes.title", v.G.Name), p)
}

// loadNote reads the group and the note named in the path.
func (s *server) loadNote(c *reqCtx) (*groupView, *noteItem, error) {
	v, err := s.loadGroup(c, groups.FeatureNote)
	if err != nil {
		return nil, nil, err
	}
	nid, err := strconv.ParseInt(c.r.PathValue("nid"), 10, 64)
	if err != nil {
		return nil, nil, errNotFound()
	}
	n, err := s.store.GetNote(c.r.Context(), c.actor(), v.G.ID, nid)
	if err != nil {
		return nil, nil, err
	}
	it := c.noteItem(v, memberNames(v), *n)
	return v, &it, nil
}

func (s *server) noteRead(c *reqCtx) error {
	v, it, err := s.loadNote(c)
	if err != nil {
		return err
	}
	return c.render(http.StatusOK, "note", it.Title, s.notePage(v, it))
}

func (s *server) noteNewForm(c *reqCtx) error {
	v, err := s.loadGroup(c, groups.FeatureNote)
	if err != nil {
		return err
	}
	// Asked before the form is shown, so an outsider of a public group
	// or a group without notes gets the store's answer, not a form.
	if _, err := s.store.Authorize(c.r.Context(), c.actor(), v.G.ID, groups.ActWrite, groups.FeatureNote); err != nil {
		return err
	}
	return c.render(http.StatusOK, "noteform", c.T("notes.new"), &noteForm{groupView: v})
}

func (s *server) noteEditForm(c *reqCtx) error {
	v, it, err := s.loadNote(c)
	if err != nil {
		return err
	}
	if !it.CanEdit {
		return &groups.Error{Kind: groups.ErrDenied, Msg: c.T("notes.denied")}
	}
	f := &noteForm{groupView: v, Edit: it, Title: it.Title, Body: it.Body}
	return c.render(http.StatusOK, "noteform", c.T("notes.edit"), f)
}

// readNoteForm reads the posted title and body. Browsers send a
// textarea's line breaks as CRLF (HTML §4.10.11): they are stored as LF,
// which the model's text rule accepts.
func readNoteForm(c *reqCtx, f *noteForm) groups.NoteSpec {
	f.Title = strings.TrimSpace(c.r.PostFormValue("title"))
	f.Body = strings.ReplaceAll(c.r.PostFormValue("body"), "\r\n", "\n")
	f.Body = strings.ReplaceAll(f.Body, "\r", "\n")
	f.Errors = map[string]string{}
	switch n := len([]rune(f.Title)); {
	case n == 0:
		f.Errors["title"] = c.T("notes.title.required")
	case n > groups.MaxNoteTitleChars || strings.ContainsAny(f.Title, "\n\t"):
		f.Errors["title"] = c.T("notes.title.invalid", groups.MaxNoteTitleChars)
	}
	if len(f.Body) > groups.MaxNoteBodyBytes {
		f.Errors["body"] = c.T("notes.body.toolarge", groups.MaxNoteBodyBytes>>10)
	}
	return groups.NoteSpec{Title: &f.Title, Body: &f.Body}
}

// refuseNote shows the form again with the store's refusal when it is
// about what was typed; anything else is the error page.
func (s *server) refuseNote(c *reqCtx, f *noteForm, err error) error {
	if err != nil {
		switch statusOf(err) {
		case http.StatusUnprocessableEntity, http.StatusRequestEntityTooLarge:
			f.Errors[""] = groups.Message(err)
		default:
			return err
		}
	}
	title := c.T("notes.new")
	if f.Edit != nil {
		title = c.T("notes.edit")
	}
	return c.render(http.StatusUnprocessableEntity, "noteform", title, f)
}

func (s *server) noteCreate(c *reqCtx) error {
	v, err := s.loadGroup(c, groups.FeatureNote)
	if err != nil {
		return err
	}
	f := &noteForm{groupView: v}
	spec := readNoteForm(c, f)
	if len(f.Errors) > 0 {
		return s.refuseNote(c, f, nil)
	}
	n, err := s.store.CreateNote(c.r.Context(), c.actor(), v.G.ID, spec)
	if err != nil {
		return s.refuseNote(c, f, err)
	}
	return c.redirect("/g/" + v.G.ID + "/notes/" + strconv.FormatInt(n.ID, 10) + "?done=notesaved")
}

func (s *server) noteUpdate(c *reqCtx) error {
	v, it, err := s.loadNote(c)
	if err != nil {
		return err
	}
	f := &noteForm{groupView: v, Edit: it}
	spec := readNoteForm(c, f)
	if len(f.Errors) > 0 {
		return s.refuseNote(c, f, nil)
	}
	if _, err := s.store.UpdateNote(c.r.Context(), c.actor(), v.G.ID, it.ID, spec); err != nil {
		return s.refuseNote(c, f, err)
	}
	return c.redirect("/g/" + v.G.ID + "/notes/" + strconv.FormatInt(it.ID, 10) + "?done=notesaved")
}

func (s *server) noteDelete(c *reqCtx) error {
	v, it, err := s.loadNote(c)
	if err != nil {
		return err
	}
	if err := s.store.DeleteNote(c.r.Context(), c.actor(), v.G.ID, it.ID); err != nil {
		return err
	}
	return c.redirect("/g/" + v.G.ID + "/notes?done=notedeleted")
}
