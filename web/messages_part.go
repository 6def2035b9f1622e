package web

import (
	"io"
	"strconv"

	gomessage "github.com/emersion/go-message"

	"groupd/internal/safeserve"
)

// messagePart serves attachment n of archived post uid to a member. A
// sender's file is never active content on this origin: internal/safeserve's
// headers (nosniff, a sandbox, a download for all but passive images).
// The part is decoded from the stored message as it is written out.
func (s *server) messagePart(c *reqCtx) error {
	id := c.r.PathValue("id")
	uid, err1 := strconv.ParseInt(c.r.PathValue("uid"), 10, 64)
	n, err2 := strconv.Atoi(c.r.PathValue("n"))
	if err1 != nil || err2 != nil || uid <= 0 || n < 0 {
		return errNotFound()
	}
	p, err := s.store.ArchivedMessage(c.r.Context(), c.actor(), id, uid)
	if err != nil {
		return err
	}
	found := false
	walkLeaves(p.Data, func(i int, e *gomessage.Entity, _ error) bool {
		if i != n {
			return true
		}
		ct, _, _ := e.Header.ContentType()
		if ct == "" {
			ct = "text/plain"
		}
		name, ok := attachmentName(e, ct)
		if !ok {
			return false
		}
		found = true
		s.writePart(c, e.Body, ct, name)
		return false
	})
	if !found {
		return errNotFound()
	}
	return nil
}

// writePart writes a part's headers and its decoded body.
func (s *server) writePart(c *reqCtx, body io.Reader, ct, name string) {
	h := c.w.Header()
	safeserve.Headers(h, ct, name, false)
	h.Set("Cache-Control", "private, no-cache")
	c.w.WriteHeader(200)
	io.Copy(c.w, body)
}
