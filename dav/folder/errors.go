package folder

import (
	"errors"
	"net/http"
	"os"

	"golang.org/x/net/webdav"

	"groupd/groups"
)

// status maps a groups error to the HTTP status of a WebDAV answer. A
// denial is a missing path: outsiders learn nothing (SPEC §1).
func status(err error) int {
	switch {
	case err == nil:
		return http.StatusOK
	case errors.Is(err, groups.ErrNotFound), errors.Is(err, os.ErrNotExist):
		return http.StatusNotFound
	case errors.Is(err, groups.ErrDenied), errors.Is(err, os.ErrPermission):
		return http.StatusForbidden
	case errors.Is(err, groups.ErrConflict):
		return http.StatusConflict
	case errors.Is(err, groups.ErrInvalid):
		return http.StatusBadRequest
	case errors.Is(err, groups.ErrTooLarge):
		return webdav.StatusInsufficientStorage // RFC 4331 §6
	}
	return http.StatusInternalServerError
}

// osError turns a groups error into what x/net/webdav understands: it
// answers os.ErrNotExist with 404 or 409 and any other error with 403,
// 405 or 500 depending on the method.
func osError(op, name string, err error) error {
	if err == nil {
		return nil
	}
	switch {
	case errors.Is(err, groups.ErrNotFound):
		err = os.ErrNotExist
	case errors.Is(err, groups.ErrConflict):
		err = os.ErrExist
	case errors.Is(err, groups.ErrDenied):
		err = os.ErrPermission
	}
	return &os.PathError{Op: op, Path: name, Err: err}
}

// fail writes a short plain-text error answer.
func fail(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	if msg == "" {
		msg = webdav.StatusText(code)
	}
	w.Write([]byte(msg + "\n"))
}

// failErr answers err with its status and its sentence for a person.
func failErr(w http.ResponseWriter, err error) {
	code := status(err)
	msg := groups.Message(err)
	if code == http.StatusNotFound {
		msg = "not found" // one answer for missing and hidden
	}
	if code == http.StatusInternalServerError {
		msg = ""
	}
	fail(w, code, msg)
}
