package api

import (
	"errors"
	"net/http"

	"groupd/groups"
)

// errBadRequest marks input the API itself refuses before the model sees
// it: malformed JSON, an unknown field, a wrong type, a bad query value.
var errBadRequest = errors.New("bad request")

// badRequest is a 400 with a sentence for a person.
func badRequest(msg string) error { return &groups.Error{Kind: errBadRequest, Msg: msg} }

// errMethod marks a path served without the request's method.
var errMethod = errors.New("method not allowed")

// statusOf maps an error to its HTTP status and JSON code (SPEC §3). This
// is the one place where errors become HTTP answers.
func statusOf(err error) (int, string) {
	switch {
	case errors.Is(err, errBadRequest):
		return http.StatusBadRequest, "bad_request"
	case errors.Is(err, groups.ErrUnauthenticated):
		return http.StatusUnauthorized, "unauthenticated"
	case errors.Is(err, groups.ErrDenied):
		return http.StatusForbidden, "forbidden"
	case errors.Is(err, groups.ErrNotFound):
		return http.StatusNotFound, "not_found"
	case errors.Is(err, errMethod):
		return http.StatusMethodNotAllowed, "method_not_allowed"
	case errors.Is(err, groups.ErrConflict):
		return http.StatusConflict, "conflict"
	case errors.Is(err, groups.ErrThrottled):
		return http.StatusTooManyRequests, "throttled"
	case errors.Is(err, groups.ErrTooLarge) && groups.Message(err) == groups.QuotaExceeded:
		return http.StatusInsufficientStorage, "quota_exceeded" // as WebDAV (RFC 4918 §11.5)
	case errors.Is(err, groups.ErrTooLarge):
		return http.StatusRequestEntityTooLarge, "too_large"
	case errors.Is(err, groups.ErrInvalid):
		return http.StatusUnprocessableEntity, "invalid"
	}
	return http.StatusInternalServerError, "internal"
}

// errorBody is the JSON of every error answer.
type errorBody struct {
	Error string `json:"error"`
	Code  string `json:"code"`
}

// fail answers err as {"error": sentence, "code": code}. Errors that are
// not the model's (the database, a bug) are logged and answered with a
// generic sentence, never their text.
func (s *server) fail(w http.ResponseWriter, r *http.Request, err error) {
	status, code := statusOf(err)
	msg := groups.Message(err)
	if status == http.StatusInternalServerError {
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		msg = "something went wrong on the server; the error was logged"
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="groupd", charset="UTF-8"`)
	}
	writeJSON(w, status, errorBody{Error: msg, Code: code})
}

// noRoute answers a request the mux has no route for: 404, or 405 with
// the Allow header the mux computed, both as JSON errors.
func (s *server) noRoute(w http.ResponseWriter, r *http.Request, muxAnswer http.Handler) {
	rec := &statusRecorder{header: http.Header{}}
	muxAnswer.ServeHTTP(rec, r)
	if rec.status == http.StatusMethodNotAllowed {
		w.Header().Set("Allow", rec.header.Get("Allow"))
		s.fail(w, r, &groups.Error{Kind: errMethod, Msg: r.Method + " is not allowed here; allowed: " + rec.header.Get("Allow")})
		return
	}
	s.fail(w, r, &groups.Error{Kind: groups.ErrNotFound, Msg: "no such API route: " + r.URL.Path})
}

// statusRecorder keeps the status and headers the mux's own answer sets.
type statusRecorder struct {
	header http.Header
	status int
}

func (rec *statusRecorder) Header() http.Header         { return rec.header }
func (rec *statusRecorder) Write(b []byte) (int, error) { return len(b), nil }
func (rec *statusRecorder) WriteHeader(status int)      { rec.status = status }
