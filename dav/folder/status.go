package folder

import (
	"io"
	"net/http"

	"golang.org/x/net/webdav"

	"groupd/groups"
)

// statusWriter corrects the answers x/net/webdav gives without knowing
// why an operation failed: 507 when an upload went over the quota (RFC
// 4331 §6) instead of 405, and 423 instead of 412 when a write met a
// lock that none of the If: tokens names although the If: header's
// conditions hold (RFC 4918 §10.4.1, litmus cond_put_corrupt_token);
// and 204 instead of 201 for a PUT that replaced a file.
type statusWriter struct {
	http.ResponseWriter
	rq      *request
	code    int
	swallow bool
}

func (w *statusWriter) WriteHeader(code int) {
	if w.code != 0 {
		return
	}
	msg := ""
	switch {
	case w.rq.quotaHit && code >= 400:
		code, msg = webdav.StatusInsufficientStorage, groups.QuotaExceeded
	case code == http.StatusPreconditionFailed && w.rq.lockFail:
		code, msg = webdav.StatusLocked, "the resource is locked"
	case code == http.StatusCreated && w.rq.replaces && w.rq.method == http.MethodPut:
		code = http.StatusNoContent // RFC 9110 §9.3.4: a replaced file was not created
		w.swallow = true
	}
	w.code = code
	if msg != "" {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.ResponseWriter.WriteHeader(code)
		w.ResponseWriter.Write([]byte(msg + "\n"))
		w.swallow = true
		return
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	if w.code == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if w.swallow {
		return len(p), nil
	}
	return w.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the connection (sendfile).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// ReadFrom keeps the connection's ReadFrom (sendfile) reachable.
func (w *statusWriter) ReadFrom(r io.Reader) (int64, error) {
	if w.code == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if w.swallow {
		return io.Copy(io.Discard, r)
	}
	return io.Copy(w.ResponseWriter, r)
}
