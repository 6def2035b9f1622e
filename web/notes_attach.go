package web

import (
	"io"
	"mime/multipart"
	"net/http"
	"path"
	"strconv"
	"strings"

	"groupd/groups"
	"groupd/internal/safeserve"
)

// A note's photos and files (issue 13) on its page: thumbnails linking
// to the full image, other files as downloads with their size, an upload
// form and a delete button for whoever may edit the note. The form is
// multipart/form-data with the CSRF token in its action's query, as the
// Folder tab's, and each file part streams into the store (never whole
// in memory). The store decides who may; files are served through
// internal/safeserve, inline only for images that decode.

// attachRoutes registers the note attachment routes.
func (s *server) attachRoutes() {
	m := s.mux
	m.Handle("POST /g/{id}/notes/{nid}/attachments", s.signedIn(s.noteAttach))
	m.Handle("GET /g/{id}/notes/{nid}/attachments/{aid}", s.signedIn(s.attachGet))
	m.Handle("GET /g/{id}/notes/{nid}/attachments/{aid}/thumbnail", s.signedIn(s.attachThumb))
	m.Handle("POST /g/{id}/notes/{nid}/attachments/{aid}/delete", s.signedIn(s.attachDelete))
}

func (s *server) attachLimits() groups.AttachLimits {
	return groups.AttachLimits{MaxBytes: s.opts.MaxAttachmentBytes, DefaultQuota: s.opts.DefaultFolderQuota,
		TempDir: s.uploadTempDir()}
}

// noteURL is the note's page.
func noteURL(id string, nid int64) string { return "/g/" + id + "/notes/" + strconv.FormatInt(nid, 10) }

// noteAttach stores each file of the form on the note.
func (s *server) noteAttach(c *reqCtx) error {
	v, it, err := s.loadNote(c)
	if err != nil {
		return err
	}
	mr, err := c.r.MultipartReader()
	if err != nil {
		return s.attachRefused(c, v, it, http.StatusBadRequest, c.T("folder.upload.none"))
	}
	stored := 0
	for parts := 0; parts < maxUploadParts; parts++ {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return s.attachRefused(c, v, it, http.StatusBadRequest, c.T("folder.upload.broken"))
		}
		if part.FormName() != "file" || part.FileName() == "" {
			continue
		}
		if status, msg := s.storeAttachPart(c, v.G.ID, it.ID, part); status != 0 {
			return s.attachRefused(c, v, it, status, msg)
		}
		stored++
	}
	if stored == 0 {
		return s.attachRefused(c, v, it, http.StatusUnprocessableEntity, c.T("folder.upload.none"))
	}
	return c.redirect(noteURL(v.G.ID, it.ID) + "?done=attached")
}

// storeAttachPart streams one file part onto the note; a refusal is a
// status and its sentence, 0 when the file was stored.
func (s *server) storeAttachPart(c *reqCtx, id string, nid int64, part *multipart.Part) (int, string) {
	ctx, name := c.r.Context(), part.FileName()
	up, err := s.store.BeginAttachment(ctx, c.actor(), id, nid, name, s.attachLimits())
	if err != nil {
		return s.attachFailed(c, name, err)
	}
	if _, err := up.ReadFrom(part); err != nil {
		up.Abort()
		return s.attachFailed(c, name, err)
	}
	if _, err := up.Commit(ctx); err != nil {
		return s.attachFailed(c, name, err)
	}
	return 0, ""
}

// attachFailed says why name was not stored: the quota (507, as the
// folder answers it), the request cut short, a rule of the store (its
// sentence), or a fault of the server.
func (s *server) attachFailed(c *reqCtx, name string, err error) (int, string) {
	switch {
	case groups.Message(err) == groups.QuotaExceeded:
		return http.StatusInsufficientStorage, c.T("notes.attach.full", name)
	case cutShort(c, err):
		return http.StatusBadRequest, c.T("folder.upload.interrupted", name)
	}
	if status := statusOf(err); status != http.StatusInternalServerError {
		return status, name + ": " + groups.Message(err)
	}
	s.log.Error("note attachment", "name", name, "err", err)
	return http.StatusInternalServerError, c.T("error.server")
}

// attachRefused shows the note with the sentence beside the upload form,
// after reading what is left of the body (up to uploadDrain) so that a
// browser still sending sees the page.
func (s *server) attachRefused(c *reqCtx, v *groupView, it *noteItem, status int, msg string) error {
	switch status { // not about the file: the error page
	case http.StatusForbidden:
		return &groups.Error{Kind: groups.ErrDenied, Msg: c.T("notes.denied")}
	case http.StatusNotFound:
		return errNotFound()
	}
	io.CopyN(io.Discard, c.r.Body, uploadDrain)
	p := s.notePage(v, it)
	p.AttachErr = msg
	return c.render(status, "note", it.Title, p)
}

func (s *server) attachGet(c *reqCtx) error   { return s.serveAttach(c, false) }
func (s *server) attachThumb(c *reqCtx) error { return s.serveAttach(c, true) }

// serveAttach streams a file of a note (or its thumbnail) with
// safeserve's headers; ?download=1 makes even an image a download.
func (s *server) serveAttach(c *reqCtx, thumb bool) error {
	nid, err1 := strconv.ParseInt(c.r.PathValue("nid"), 10, 64)
	aid, err2 := strconv.ParseInt(c.r.PathValue("aid"), 10, 64)
	if err1 != nil || err2 != nil {
		nid, aid = 0, 0 // the store still answers for the group first
	}
	at, rd, err := s.store.OpenAttachment(c.r.Context(), c.actor(), c.r.PathValue("id"), nid, aid, thumb)
	if err != nil {
		return err
	}
	defer rd.Close()
	h := c.w.Header()
	if thumb {
		safeserve.Headers(h, "image/jpeg", strings.TrimSuffix(at.Name, path.Ext(at.Name))+"-thumbnail.jpg", false)
	} else {
		safeserve.Headers(h, at.Type, at.Name, !at.Inline || c.r.URL.Query().Has("download"))
	}
	h.Set("Cache-Control", "private, no-cache")
	http.ServeContent(c.w, c.r, "", at.Created, rd)
	return nil
}

// attachDelete removes a file of the note (the store checks the note's
// edit rule).
func (s *server) attachDelete(c *reqCtx) error {
	v, it, err := s.loadNote(c)
	if err != nil {
		return err
	}
	aid, err := strconv.ParseInt(c.r.PathValue("aid"), 10, 64)
	if err != nil {
		return errNotFound()
	}
	if err := s.store.DeleteAttachment(c.r.Context(), c.actor(), v.G.ID, it.ID, aid); err != nil {
		return err
	}
	return c.redirect(noteURL(v.G.ID, it.ID) + "?done=attachdeleted")
}
