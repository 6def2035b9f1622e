package folder

import (
	"net/http"
	"testing"
)

// TestUnlockTokenWithoutBrackets: UNLOCK with a bare token is refused
// (400) with an answer that names the problem, the Coded-URL syntax of
// RFC 4918 §10.5, not a missing header; the lock stays until UNLOCK
// with the token in brackets.
func TestUnlockTokenWithoutBrackets(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	e.put("bob", "/dav/files/team/doc", "v1")
	tok := e.lock("bob", "/dav/files/team/doc", "exclusive", "0")
	for _, bad := range []string{tok, "<" + tok, tok + ">", "<>"} {
		b := e.want(http.StatusBadRequest, "bob", "UNLOCK", "/dav/files/team/doc", "", hdr{"Lock-Token": bad})
		mustContain(t, b, "Coded-URL in angle brackets", "RFC 4918 §10.5")
		mustNotContain(t, b, "needs a Lock-Token header")
	}
	b := e.want(http.StatusBadRequest, "bob", "UNLOCK", "/dav/files/team/doc", "", nil)
	mustContain(t, b, "UNLOCK needs a Lock-Token header")
	e.want(http.StatusLocked, "bob", "PUT", "/dav/files/team/doc", "no token", nil)
	e.want(http.StatusNoContent, "bob", "UNLOCK", "/dav/files/team/doc", "", hdr{"Lock-Token": "<" + tok + ">"})
	e.put("bob", "/dav/files/team/doc", "v2")
}
