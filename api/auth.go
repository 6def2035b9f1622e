package api

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"

	"groupd/groups"
)

// authenticate finds the actor of a request (SPEC §3): the admin token as
// "Authorization: Bearer <token>" acts as an administrator; HTTP Basic
// (RFC 7617) with a user's email and password acts as that user. Anything
// else is ErrUnauthenticated, which fail answers with 401 and a
// WWW-Authenticate challenge (RFC 9110 §11.6.1).
func (s *server) authenticate(r *http.Request) (groups.Actor, error) {
	h := r.Header.Get("Authorization")
	if scheme, token, ok := strings.Cut(h, " "); ok && strings.EqualFold(scheme, "Bearer") {
		if s.isAdminToken(strings.TrimSpace(token)) {
			return groups.AdminActor(), nil
		}
		return groups.Actor{}, errNoCredentials("the bearer token is not the admin token")
	}
	email, password, ok := r.BasicAuth()
	if !ok {
		return groups.Actor{}, errNoCredentials("log in with HTTP Basic (email and password) or the admin bearer token")
	}
	u, err := s.store.Login(r.Context(), groups.LoginRequest{Email: email, Password: password,
		Remote: r.RemoteAddr, Protocol: "api"})
	if err != nil {
		return groups.Actor{}, err
	}
	return groups.UserActor(u), nil
}

// isAdminToken compares in constant time; hashing first hides the
// token's length too.
func (s *server) isAdminToken(token string) bool {
	got := sha256.Sum256([]byte(token))
	want := sha256.Sum256(s.adminToken)
	return subtle.ConstantTimeCompare(got[:], want[:]) == 1
}

func errNoCredentials(msg string) error {
	return &groups.Error{Kind: groups.ErrUnauthenticated, Msg: msg}
}
