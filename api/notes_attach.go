package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"

	"groupd/groups"
	"groupd/internal/safeserve"
)

// Note attachments (issue 13): POST a file (a raw body named by ?name=
// or Content-Disposition, or multipart/form-data), read and delete it.
// Every rule is the store's: reading follows the note's read rule,
// adding and deleting its edit rule; the bytes stream into the store's
// BlobStore and are served through internal/safeserve, inline only for
// an image that decodes as PNG, JPEG, GIF or WebP.

// multipartSlack is what a multipart body may hold beyond its file
// (boundaries, part headers) before Content-Length alone refuses it.
const multipartSlack = 64 << 10

func attachmentID(r *http.Request) int64 {
	n, err := strconv.ParseInt(r.PathValue("a"), 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

func attachmentPath(id string, nid, aid int64) string {
	return notePath(id, nid) + "/attachments/" + strconv.FormatInt(aid, 10)
}

// dressAttachments fills the URLs of attachments of note nid.
func dressAttachments(id string, nid int64, list []groups.Attachment) {
	for i := range list {
		at := &list[i]
		at.URL = attachmentPath(id, nid, at.ID)
		if at.HasThumbnail {
			u := at.URL + "/thumbnail"
			at.ThumbnailURL = &u
		}
	}
}

// dressNote fills the URLs of a note's attachments.
func dressNote(id string, n *groups.Note) *groups.Note {
	dressAttachments(id, n.ID, n.Attachments)
	return n
}

func (s *server) attachLimits() groups.AttachLimits {
	return groups.AttachLimits{MaxBytes: s.maxAttach, DefaultQuota: s.defQuota, TempDir: s.store.BlobPath(".uploads")}
}

// GET /api/v1/groups/{id}/notes/{note}/attachments → {"attachments": [...]}.
func (s *server) listAttachments(w http.ResponseWriter, r *http.Request, a groups.Actor) error {
	id := r.PathValue("id")
	n, err := s.store.GetNote(r.Context(), a, id, noteID(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"attachments": dressNote(id, n).Attachments})
	return nil
}

// POST /api/v1/groups/{id}/notes/{note}/attachments (the note's author, a
// master or an admin) → 201 with the attachment and Location. 413 past
// notes.max_attachment_bytes, 507 past the group's quota, 409 past 20
// files, 422 for an image too large to decode.
func (s *server) postAttachment(w http.ResponseWriter, r *http.Request, a groups.Actor) error {
	lim := s.attachLimits()
	slack := int64(0)
	if isMultipart(r) {
		slack = multipartSlack
	}
	if r.ContentLength > lim.MaxBytes+slack {
		return &groups.Error{Kind: groups.ErrTooLarge, Msg: fmt.Sprintf("a file on a note is at most %d bytes", lim.MaxBytes)}
	}
	name, body, err := uploadedFile(r)
	if err != nil {
		return err
	}
	id, nid := r.PathValue("id"), noteID(r)
	at, err := s.storeAttachment(r.Context(), a, id, nid, name, body, lim)
	if err != nil {
		return err
	}
	list := []groups.Attachment{*at}
	dressAttachments(id, nid, list)
	created(w, list[0].URL, list[0])
	return nil
}

func (s *server) storeAttachment(ctx context.Context, a groups.Actor, id string, nid int64, name string, body io.Reader, lim groups.AttachLimits) (*groups.Attachment, error) {
	up, err := s.store.BeginAttachment(ctx, a, id, nid, name, lim)
	if err != nil {
		return nil, err
	}
	if _, err := up.ReadFrom(body); err != nil {
		up.Abort()
		var e *groups.Error
		if errors.As(err, &e) {
			return nil, err
		}
		return nil, badRequest("the file could not be read to its end: " + err.Error())
	}
	at, err := up.Commit(ctx)
	if errors.Is(err, groups.ErrIncomplete) {
		return nil, badRequest("the upload was cut short")
	}
	return at, err
}

// uploadedFile finds the file of the request: the first file part of a
// multipart/form-data body (RFC 7578), or the raw body named by ?name=
// or by Content-Disposition's filename.
func uploadedFile(r *http.Request) (string, io.Reader, error) {
	if isMultipart(r) {
		mr, err := r.MultipartReader()
		if err != nil {
			return "", nil, badRequest("the multipart body could not be read: " + err.Error())
		}
		for range 100 {
			part, err := mr.NextPart()
			if err != nil {
				break
			}
			if part.FileName() != "" {
				return part.FileName(), part, nil
			}
		}
		return "", nil, badRequest("the multipart body holds no file part (a part with a filename)")
	}
	name := r.URL.Query().Get("name")
	if name == "" {
		if _, params, err := mime.ParseMediaType(r.Header.Get("Content-Disposition")); err == nil {
			name = path.Base(strings.ReplaceAll(params["filename"], `\`, "/"))
		}
	}
	if name == "" || name == "." || name == "/" {
		return "", nil, badRequest("name the file: ?name=FILE or Content-Disposition: attachment; filename=FILE")
	}
	return name, r.Body, nil
}

func isMultipart(r *http.Request) bool {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return mt == "multipart/form-data"
}

// GET /api/v1/groups/{id}/notes/{note}/attachments/{a}[/thumbnail] → the
// file, through internal/safeserve: nosniff and the sandbox always,
// inline only for an image that decodes, else a download of a type that
// never runs. Range and conditional requests are answered.
func (s *server) getAttachment(w http.ResponseWriter, r *http.Request, a groups.Actor) error {
	return s.serveAttachment(w, r, a, false)
}

func (s *server) getThumbnail(w http.ResponseWriter, r *http.Request, a groups.Actor) error {
	return s.serveAttachment(w, r, a, true)
}

func (s *server) serveAttachment(w http.ResponseWriter, r *http.Request, a groups.Actor, thumb bool) error {
	at, rd, err := s.store.OpenAttachment(r.Context(), a, r.PathValue("id"), noteID(r), attachmentID(r), thumb)
	if err != nil {
		return err
	}
	defer rd.Close()
	h := w.Header()
	if thumb {
		safeserve.Headers(h, "image/jpeg", strings.TrimSuffix(at.Name, path.Ext(at.Name))+"-thumbnail.jpg", false)
	} else {
		safeserve.Headers(h, at.Type, at.Name, !at.Inline)
	}
	h.Set("Cache-Control", "private, no-cache")
	http.ServeContent(w, r, "", at.Created, rd)
	return nil
}

// DELETE /api/v1/groups/{id}/notes/{note}/attachments/{a} (the note's
// author, a master or an admin) → 204.
func (s *server) deleteAttachment(w http.ResponseWriter, r *http.Request, a groups.Actor) error {
	if err := s.store.DeleteAttachment(r.Context(), a, r.PathValue("id"), noteID(r), attachmentID(r)); err != nil {
		return err
	}
	noContent(w)
	return nil
}
