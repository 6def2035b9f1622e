package web

import (
	"context"
	"errors"
	"io"
	"mime/multipart"
	"net/http"

	"groupd/groups"
)

// Uploads to a group's folder. The form is multipart/form-data (RFC 7578)
// with the CSRF token and the folder in its action's query, so that
// nothing of the body is read before the token is checked. The body is
// read part by part, and each file part streams straight into the
// store's upload: a temporary file beside the blobs, never the whole file
// in memory. The store makes the new version visible only once it is
// complete and durable (Upload.Commit), so an upload that fails, goes
// over the quota or is cancelled leaves the folder as it was.

// maxUploadParts bounds the parts of one upload form.
const maxUploadParts = 1000

// uploadDrain is how much of a refused upload's remaining body is read
// and dropped so that the browser, still sending, gets to read the
// refusal; past it the connection is closed.
const uploadDrain = 32 << 20

// uploadTempDir is where uploads wait for their commit: the directory
// the WebDAV handler uses, on the blobs' file system (the commit renames),
// whose leftovers after a crash are removed at start.
func (s *server) uploadTempDir() string { return s.store.BlobPath(".uploads") }

// folderUpload stores each file of the form in the folder ?dir=.
func (s *server) folderUpload(c *reqCtx) error {
	f, err := s.openFolder(c)
	if err != nil {
		return err
	}
	dir := cleanDir(c.r.URL.Query().Get("dir"))
	mr, err := c.r.MultipartReader()
	if err != nil {
		return s.uploadRefused(c, f, dir, http.StatusBadRequest, c.T("folder.upload.none"))
	}
	stored := 0
	for parts := 0; parts < maxUploadParts; parts++ {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return s.uploadRefused(c, f, dir, http.StatusBadRequest, c.T("folder.upload.broken"))
		}
		if part.FormName() != "file" || part.FileName() == "" {
			continue // another field, or the empty part of a file input left empty
		}
		if status, msg := s.storePart(c, f, dir, part); status != 0 {
			return s.uploadRefused(c, f, dir, status, msg)
		}
		stored++
	}
	if stored == 0 {
		return s.uploadRefused(c, f, dir, http.StatusUnprocessableEntity, c.T("folder.upload.none"))
	}
	return s.folderDone(c, dir, "uploaded")
}

// storePart streams one file part into the folder and commits it. A
// refusal is a status and its sentence; 0 when the file was stored.
func (s *server) storePart(c *reqCtx, f *groups.Folder, dir string, part *multipart.Part) (int, string) {
	name := part.FileName() // already reduced to its last segment
	ctx := c.r.Context()
	if err := s.checkName(c, name); err != nil {
		return http.StatusUnprocessableEntity, name + ": " + groups.Message(err)
	}
	up, err := f.BeginUpload(ctx, joinPath(dir, name), s.uploadTempDir())
	if err != nil {
		if status := statusOf(err); status == http.StatusInternalServerError {
			s.log.Error("upload", "group", f.GroupID(), "err", err)
			return status, c.T("error.server")
		}
		status := http.StatusConflict // the folder went, or a folder has that name
		switch {
		case errors.Is(err, groups.ErrDenied):
			status = http.StatusForbidden
		case errors.Is(err, groups.ErrInvalid), errors.Is(err, groups.ErrTooLarge):
			status = http.StatusUnprocessableEntity // the path is too long
		}
		return status, name + ": " + groups.Message(err)
	}
	if _, err := up.ReadFrom(part); err != nil {
		up.Abort()
		return s.uploadFailed(c, name, err)
	}
	if _, err := up.Commit(ctx); err != nil {
		return s.uploadFailed(c, name, err)
	}
	return 0, ""
}

// uploadFailed says why the bytes of name were not stored: the quota
// (507, RFC 4918 §11.5, as WebDAV answers it), the request cut short, or
// a fault of the server.
func (s *server) uploadFailed(c *reqCtx, name string, err error) (int, string) {
	switch {
	case errors.Is(err, groups.ErrTooLarge):
		return http.StatusInsufficientStorage, c.T("folder.full", name)
	case cutShort(c, err):
		return http.StatusBadRequest, c.T("folder.upload.interrupted", name)
	}
	s.log.Error("upload", "name", name, "err", err)
	return http.StatusInternalServerError, c.T("error.server")
}

// uploadRefused shows the folder with the sentence beside the upload
// form. What is left of the body is read first, up to uploadDrain, so
// that a browser still sending sees the page rather than a reset.
func (s *server) uploadRefused(c *reqCtx, f *groups.Folder, dir string, status int, msg string) error {
	io.CopyN(io.Discard, c.r.Body, uploadDrain)
	pg := &folderPage{Dir: dir, Refusals: map[string]string{"upload": msg}}
	return s.showFolder(c, f, status, pg)
}

// cutShort says whether err is the upload's request ending before its
// body did (the client went away or stopped sending), not a refusal.
func cutShort(c *reqCtx, err error) bool {
	return errors.Is(err, groups.ErrIncomplete) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, context.Canceled) || c.r.Context().Err() != nil
}
