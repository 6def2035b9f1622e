package web

import (
	"errors"
	"net/http"

	"groupd/groups"
)

// errCSRF marks a request without a valid anti-forgery token.
var errCSRF = errors.New("csrf")

func isKind(err, kind error) bool { return errors.Is(err, kind) }

// statusOf maps an error to its HTTP status.
func statusOf(err error) int {
	switch {
	case errors.Is(err, errCSRF):
		return http.StatusForbidden
	case errors.Is(err, errBusy):
		return http.StatusServiceUnavailable
	case errors.Is(err, groups.ErrUnauthenticated):
		return http.StatusUnauthorized
	case errors.Is(err, groups.ErrDenied):
		return http.StatusForbidden
	case errors.Is(err, groups.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, groups.ErrConflict):
		return http.StatusConflict
	case errors.Is(err, groups.ErrThrottled):
		return http.StatusTooManyRequests
	case errors.Is(err, groups.ErrTooLarge):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, groups.ErrInvalid):
		return http.StatusUnprocessableEntity
	}
	return http.StatusInternalServerError
}

// errorPage is the data of the error page.
type errorPage struct {
	Status  int
	Heading string
	Message string
}

// fail answers err with the error page. A missing thing and a private
// group that the user may not know of read exactly alike: the page says
// only "not found" in the user's language, whatever the store's sentence.
// Errors that are not the model's are logged and never shown.
func (s *server) fail(c *reqCtx, err error) {
	status := statusOf(err)
	p := errorPage{Status: status}
	switch status {
	case http.StatusNotFound:
		p.Heading, p.Message = c.T("error.notfound.title"), c.T("error.notfound")
	case http.StatusForbidden:
		p.Heading, p.Message = c.T("error.forbidden.title"), groups.Message(err)
		if errors.Is(err, errCSRF) {
			p.Message = c.T("error.csrf")
		}
	case http.StatusUnauthorized:
		p.Heading, p.Message = c.T("error.signin.title"), c.T("error.signin")
	case http.StatusServiceUnavailable:
		p.Heading, p.Message = c.T("error.busy.title"), c.T("error.busy")
	case http.StatusInternalServerError:
		s.log.Error("request failed", "method", c.r.Method, "path", c.r.URL.Path, "err", err)
		p.Heading, p.Message = c.T("error.server.title"), c.T("error.server")
	default:
		p.Heading, p.Message = c.T("error.title"), groups.Message(err)
	}
	if status == http.StatusTooManyRequests {
		c.w.Header().Set("Retry-After", "60")
	}
	if rerr := c.render(status, "error", p.Heading, p); rerr != nil {
		s.log.Error("error page failed", "err", rerr)
		http.Error(c.w, http.StatusText(status), status)
	}
}
