package imap

import (
	"context"
	"log/slog"
	"reflect"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"

	"groupd/groups"
)

// session is one IMAP connection's state.
type session struct {
	srv   *Server
	conn  *imapserver.Conn
	wire  *limitedConn // under conn, for gathering writes
	log   *slog.Logger
	ip    string
	ctx   context.Context
	stop  context.CancelFunc
	actor groups.Actor // zero until logged in
	email string       // the actor's, for Server.endSessions; under srv.mu
	sel   *selected    // nil unless a mailbox is selected
	guard *guardConn   // the connection's command guard
}

var _ imapserver.SessionIMAP4rev2 = (*session)(nil)

func (s *Server) newSession(c *imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
	ctx, stop := context.WithCancel(context.Background())
	sess := &session{srv: s, conn: c, wire: wire(c.NetConn()), ip: remoteIP(c.NetConn().RemoteAddr()), ctx: ctx, stop: stop}
	sess.log = s.log.With("remote", c.NetConn().RemoteAddr().String())
	sess.guard, _ = c.NetConn().(*guardConn)
	if !s.track(sess) {
		stop()
		return nil, nil, &goimap.Error{Type: goimap.StatusResponseTypeBye, Text: "groupd is shutting down"}
	}
	return sess, nil, nil
}

// gathered makes the answer to a many-line command leave in few writes;
// call the function it returns when the command is done.
func (s *session) gathered() func() {
	if s.wire == nil {
		return func() {}
	}
	s.wire.gather()
	return func() {
		if err := s.wire.send(); err != nil {
			s.log.Debug("write failed", "err", err)
		}
	}
}

// Close only reads s.sel: go-imap closes a session whose connection
// dropped during IDLE without waiting for Idle to return.
func (s *session) Close() error {
	if s.sel != nil && s.sel.watch != nil {
		s.srv.hub.remove(s.sel.watch)
	}
	s.stop()
	s.srv.untrack(s)
	return nil
}

// Login checks the credentials with the store's one authentication
// service, which throttles failures per address and per account and logs
// the outcome without the password (RFC 3501 §6.2.3; AUTHENTICATE PLAIN
// comes here too). A few checks run at once (each is an argon2id hash).
func (s *session) Login(username, password string) error {
	if err := s.needsTLS(); err != nil {
		return err
	}
	var user *groups.User
	err := s.srv.throttle.check(func() error {
		u, err := s.srv.store.Login(s.ctx, groups.LoginRequest{Email: username, Password: password,
			Remote: s.ip, Protocol: "imap"})
		user = u
		return err
	})
	if err != nil {
		return mapLoginErr(err)
	}
	s.actor = groups.UserActor(user)
	s.log = s.log.With("user", user.Email)
	s.srv.signedIn(s, user.Email)
	if s.guard != nil {
		s.guard.authed.Store(true) // its capability lists change (guardtls.go)
	}
	return nil
}

// needsTLS refuses authentication before TLS where it needs TLS (RFC
// 8314 §5.1), before any password is checked. The guard answers LOGIN
// and AUTHENTICATE so itself (guardtls.go); this is the rule's last word,
// should a command reach go-imap that the guard read otherwise. Every
// listener puts a guard over its connections: without one, no login.
func (s *session) needsTLS() error {
	if s.guard != nil && !s.guard.locked() {
		return nil
	}
	return &goimap.Error{Type: goimap.StatusResponseTypeNo, Code: goimap.ResponseCodePrivacyRequired,
		Text: "TLS is required to authenticate"}
}

// Namespace: one personal namespace with "/" (RFC 2342).
func (s *session) Namespace() (*goimap.NamespaceData, error) {
	return &goimap.NamespaceData{Personal: []goimap.NamespaceDescriptor{{Prefix: "", Delim: delim}}}, nil
}

// Commands that would change the archive or the mailbox set: NO.

func (s *session) Create(string, *goimap.CreateOptions) error         { return errNoCreate }
func (s *session) Delete(string) error                                { return errNoDelete }
func (s *session) Rename(string, string, *goimap.RenameOptions) error { return errNoRename }

func (s *session) Append(string, goimap.LiteralReader, *goimap.AppendOptions) (*goimap.AppendData, error) {
	return nil, errNoAppend
}

func (s *session) Copy(goimap.NumSet, string) (*goimap.CopyData, error) { return nil, errNoCopy }

func (s *session) Move(*imapserver.MoveWriter, goimap.NumSet, string) error { return errNoMove }

// Expunge refuses EXPUNGE and UID EXPUNGE. CLOSE also calls it, with a
// writer that has no connection (imapserver's handleUnselect); CLOSE must
// still close the mailbox, and there is nothing to expunge, so it passes.
func (s *session) Expunge(w *imapserver.ExpungeWriter, uids *goimap.UIDSet) error {
	if uids == nil && reflect.ValueOf(w).Elem().Field(0).IsNil() {
		return nil
	}
	return errNoExpunge
}

// Subscribe: every group mailbox is subscribed; subscribing to one that
// exists succeeds, anything else is NONEXISTENT.
func (s *session) Subscribe(mailbox string) error {
	_, err := s.resolve(mailbox)
	return err
}

func (s *session) Unsubscribe(mailbox string) error {
	if _, err := s.resolve(mailbox); err != nil {
		return err
	}
	return &goimap.Error{Type: goimap.StatusResponseTypeNo, Code: goimap.ResponseCodeCannot,
		Text: "Group mailboxes stay subscribed while you are a member"}
}
