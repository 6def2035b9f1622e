package imap

import (
	"bytes"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-sasl"
)

// AuthenticateMechanisms: PLAIN only (RFC 4616), as the library offers
// by default; our own server answers malformed responses with BAD.
func (s *session) AuthenticateMechanisms() []string { return []string{sasl.Plain} }

// Authenticate gives AUTHENTICATE PLAIN (RFC 9051 §6.2.2) a SASL server
// whose refusal of a malformed response is a BAD with a reason: go-sasl's
// own answers a response of other than three NUL-separated fields with a
// plain error, which the library turns into NO [SERVERBUG] (issue 16).
func (s *session) Authenticate(mech string) (sasl.Server, error) {
	if err := s.needsTLS(); err != nil {
		return nil, err
	}
	if mech != sasl.Plain {
		return nil, &goimap.Error{Type: goimap.StatusResponseTypeNo, Text: "SASL mechanism not supported: use PLAIN"}
	}
	return &plainServer{s: s}, nil
}

// plainServer is RFC 4616 PLAIN: authzid NUL authcid NUL passwd.
type plainServer struct {
	s    *session
	done bool
}

func (p *plainServer) Next(resp []byte) (challenge []byte, done bool, err error) {
	switch {
	case p.done:
		return nil, false, badSASL("AUTHENTICATE PLAIN takes one response")
	case resp == nil:
		return []byte{}, false, nil // no initial response: an empty challenge
	}
	p.done = true
	parts := bytes.Split(resp, []byte{0})
	if len(parts) != 3 {
		return nil, false, badSASL("Malformed PLAIN response: it must be authorization identity, NUL, user name, NUL, password (RFC 4616 §2)")
	}
	id, user, pass := string(parts[0]), string(parts[1]), string(parts[2])
	if id != "" && id != user {
		return nil, false, &goimap.Error{Type: goimap.StatusResponseTypeNo, Code: goimap.ResponseCodeAuthorizationFailed,
			Text: "SASL identity not supported"}
	}
	return nil, true, p.s.Login(user, pass)
}

func badSASL(text string) error {
	return &goimap.Error{Type: goimap.StatusResponseTypeBad, Code: goimap.ResponseCodeClientBug, Text: text}
}
