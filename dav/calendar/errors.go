package calendar

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/emersion/go-webdav"
	gocaldav "github.com/emersion/go-webdav/caldav"

	"groupd/groups"
)

// This file is the one place where errors become HTTP answers.

// Preconditions (RFC 4791 §5.3.2.1, RFC 6578 §3.2), "C:" CalDAV, "D:" DAV.
const (
	condValidData     = "C:valid-calendar-data"
	condValidObject   = "C:valid-calendar-object-resource"
	condComponent     = "C:supported-calendar-component"
	condData          = "C:supported-calendar-data"
	condUIDConflict   = "C:no-uid-conflict"
	condMaxSize       = "C:max-resource-size"
	condMaxInstances  = "C:max-instances"
	condValidToken    = "D:valid-sync-token"
	condSupportedRept = "D:supported-report"
)

// status maps a groups error to an HTTP status.
func status(err error) int {
	switch {
	case groups.IsPrecondition(err):
		return http.StatusPreconditionFailed
	case errors.Is(err, groups.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, groups.ErrDenied):
		return http.StatusForbidden
	case errors.Is(err, groups.ErrConflict):
		return http.StatusConflict
	case errors.Is(err, groups.ErrInvalid):
		return http.StatusBadRequest
	case errors.Is(err, groups.ErrTooLarge):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, groups.ErrUnauthenticated):
		return http.StatusUnauthorized
	}
	return http.StatusInternalServerError
}

// fail answers err on a request we handle ourselves.
func (h *handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := status(err)
	if code == http.StatusInternalServerError {
		h.log.Error("request", "method", r.Method, "path", r.URL.Path, "err", err)
		writeError(w, code, "", "internal error")
		return
	}
	var uc *groups.CalUIDConflict
	if errors.As(err, &uc) {
		writeError(w, http.StatusConflict, condUIDConflict, err.Error())
		return
	}
	writeError(w, code, "", groups.Message(err))
}

// davError is err for go-webdav to answer from inside the backend.
func davError(err error) error {
	var uc *groups.CalUIDConflict
	if errors.As(err, &uc) {
		return gocaldav.NewPreconditionError(gocaldav.PreconditionNoUIDConflict)
	}
	code := status(err)
	if code == http.StatusInternalServerError {
		return err
	}
	return webdav.NewHTTPError(code, errors.New(groups.Message(err)))
}

// writeErrorHref answers a precondition whose element names a resource
// (RFC 4791 §5.3.2.1 no-uid-conflict).
func writeErrorHref(w http.ResponseWriter, code int, cond, p, msg string) {
	prefix, local, _ := strings.Cut(cond, ":")
	w.Header().Set("Content-Type", `application/xml; charset="utf-8"`)
	w.WriteHeader(code)
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+
		`<D:error xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><%s:%s><D:href>%s</D:href></%s:%s><D:responsedescription>%s</D:responsedescription></D:error>`,
		prefix, local, escape(hrefOf(p)), prefix, local, escape(msg))
}

// writeError answers code; with a precondition, the body is a DAV:error
// element naming it (RFC 4918 §16), else the message as text.
func writeError(w http.ResponseWriter, code int, cond, msg string) {
	if cond == "" {
		http.Error(w, msg, code)
		return
	}
	prefix, local, _ := strings.Cut(cond, ":")
	w.Header().Set("Content-Type", `application/xml; charset="utf-8"`)
	w.WriteHeader(code)
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+
		`<D:error xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><%s:%s/><D:responsedescription>%s</D:responsedescription></D:error>`,
		prefix, local, escape(msg))
}
