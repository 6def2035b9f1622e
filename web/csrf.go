package web

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"

	"groupd/groups"
)

// csrfField is the form field that carries the token; scripts send the
// same value in the X-CSRF-Token header.
const csrfField = "_csrf"

// checkCSRF refuses a state-changing request that a browser marks as
// cross-origin (Sec-Fetch-Site, else Origin against Host) or that does not
// carry want, the session's token, as the _csrf form field or the
// X-CSRF-Token header. The form is read only when the header is absent;
// multipart forms (uploads) send the token in the header or the URL's
// query (?_csrf=), so that the upload is not read before the check.
func (s *server) checkCSRF(r *http.Request, want string) error {
	if err := s.csrf.Check(r); err != nil {
		return csrfError()
	}
	got := r.Header.Get("X-CSRF-Token")
	if got == "" {
		got = r.URL.Query().Get(csrfField)
	}
	if got == "" && !isMultipart(r) {
		got = r.PostFormValue(csrfField)
	}
	if !sameToken(got, want) {
		return csrfError()
	}
	return nil
}

func sameToken(got, want string) bool {
	if got == "" || want == "" {
		return false
	}
	a, b := sha256.Sum256([]byte(got)), sha256.Sum256([]byte(want))
	return subtle.ConstantTimeCompare(a[:], b[:]) == 1
}

func csrfError() error {
	return &groups.Error{Kind: errCSRF, Msg: "csrf"}
}

func isMultipart(r *http.Request) bool {
	ct := r.Header.Get("Content-Type")
	return len(ct) >= 19 && ct[:19] == "multipart/form-data"
}
