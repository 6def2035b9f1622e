package imap

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"time"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"

	"groupd/groups"
	"groupd/internal/budget"
)

// Options configure a Server.
type Options struct {
	// Store is the groups model. Required.
	Store *groups.Store
	// Logger. Default: discard. Tagged component=imap and per connection.
	Logger *slog.Logger
	// TLSConfig enables STARTTLS (RFC 3501 §6.2.1) and ServeTLS (implicit
	// TLS, RFC 8314 §3.3). Nil: plaintext only.
	TLSConfig *tls.Config
	// InsecureAuth allows LOGIN and AUTHENTICATE without TLS on every
	// listener (test set-ups). Default false: only on a loopback listener.
	InsecureAuth bool
	// Loopback says whether a plaintext listener counts as loopback (where
	// authentication without TLS is allowed). Default nil: decided from
	// the address of the listener given to Serve.
	Loopback *bool
	// MaxLineLength caps one line a client sends, in bytes; a longer line
	// ends the connection with BYE. Default 32768 (RFC 7162 §4 asks for at
	// least 8192). The library's own cap on a whole command is 50 KiB.
	MaxLineLength int
	// MaxConnsPerIP caps simultaneous connections from one address; more
	// are greeted with BYE. Default 200.
	MaxConnsPerIP int
	// MaxConcurrentLogins caps password checks running at once (each costs
	// an argon2id hash); a login waiting longer than LoginWait gets NO.
	// Failed logins are throttled per address and per account by the
	// store's one authentication service (groups.Store.Login).
	// Default 4.
	MaxConcurrentLogins int
	// LoginWait is how long a login waits for a slot. Default 10s.
	LoginWait time.Duration
	// FetchBatch is how many messages FETCH and SEARCH load per query.
	// Default 500.
	FetchBatch int
	// FetchBytes bounds the message bytes FETCH holds at once (one large
	// message may exceed it; it is streamed when it can be, stream.go).
	// Three times it is taken from Budget. Default 4 MiB.
	FetchBytes int64
	// EnvelopeCache is how many parsed envelopes, and as many body
	// structures, the server keeps for FETCH ENVELOPE and BODYSTRUCTURE
	// (shared by all sessions; about 0.5 KB each). Default 100000;
	// negative disables them.
	EnvelopeCache int
	// Budget is the daemon's memory budget (internal/budget): FETCH
	// takes what it loads from it, and answers NO [LIMIT] (RFC 5530 §3)
	// when it cannot within BudgetWait (see stream.go). Default nil: no
	// budget.
	Budget *budget.Budget
	// Conns is the daemon's connection budget, shared with the other
	// listeners: beyond it a connection is greeted with BYE
	// [UNAVAILABLE]. Default nil: none.
	Conns *budget.Budget
	// BudgetWait is how long FETCH waits for the budget. Default 5s.
	BudgetWait time.Duration
	// WriteTimeout bounds each write to a client: one that stops reading
	// is disconnected then, and gives back what its FETCH held. Default
	// 2 minutes.
	WriteTimeout time.Duration
}

func (o *Options) fill() error {
	if o.Store == nil {
		return errors.New("imap: Options.Store is required")
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	o.Logger = o.Logger.With("component", "imap")
	setDefault(&o.MaxLineLength, 32768)
	setDefault(&o.MaxConnsPerIP, 200)
	setDefault(&o.MaxConcurrentLogins, 4)
	setDefault(&o.FetchBatch, 500)
	if o.FetchBytes <= 0 {
		o.FetchBytes = 4 << 20
	}
	if o.EnvelopeCache == 0 {
		o.EnvelopeCache = 100000
	}
	if o.LoginWait <= 0 {
		o.LoginWait = 10 * time.Second
	}
	if o.BudgetWait <= 0 {
		o.BudgetWait = 5 * time.Second
	}
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = 2 * time.Minute
	}
	return nil
}

func setDefault(v *int, d int) {
	if *v <= 0 {
		*v = d
	}
}

// Server is groupd's IMAP server. Create it with NewServer.
type Server struct {
	opts     Options
	store    *groups.Store
	log      *slog.Logger
	hub      *hub
	throttle *throttle
	conns    *connLimit
	envs     *msgCache[*goimap.Envelope]
	structs  *msgCache[goimap.BodyStructure]

	mu       sync.Mutex
	imaps    []*imapserver.Server // one per Serve
	sessions map[*session]struct{}
	closed   bool
}

// NewServer returns a server for opts. It follows the store's change feed
// until Shutdown.
func NewServer(opts Options) (*Server, error) {
	if err := opts.fill(); err != nil {
		return nil, err
	}
	s := &Server{
		opts:     opts,
		store:    opts.Store,
		log:      opts.Logger,
		throttle: newThrottle(opts),
		conns:    newConnLimit(opts.MaxConnsPerIP),
		envs:     newMsgCache[*goimap.Envelope](opts.EnvelopeCache),
		structs:  newMsgCache[goimap.BodyStructure](opts.EnvelopeCache),
		sessions: map[*session]struct{}{},
	}
	s.hub = newHub(opts.Store, opts.Logger, s.endSessions)
	return s, nil
}

// Serve accepts IMAP connections on l until Shutdown. It returns nil after
// Shutdown. Authentication needs TLS (STARTTLS) unless l is loopback or
// InsecureAuth is set (RFC 8314 §5.1 LOGINDISABLED otherwise): the
// command guard performs STARTTLS and applies that rule (guardtls.go).
func (s *Server) Serve(l net.Listener) error {
	insecure := isLoopback(l.Addr())
	if s.opts.Loopback != nil {
		insecure = *s.opts.Loopback
	}
	return s.serve(&listener{Listener: l, srv: s, guard: true, insecureAuth: insecure || s.opts.InsecureAuth})
}

// ServeTLS accepts implicit-TLS connections (RFC 8314 §3.3, imaps) on l.
func (s *Server) ServeTLS(l net.Listener) error {
	if s.opts.TLSConfig == nil {
		return errors.New("imap: ServeTLS needs a TLSConfig")
	}
	// The guard reads commands above TLS, and offers no STARTTLS inside it.
	return s.serve(guardListener{tls.NewListener(&listener{Listener: l, srv: s}, s.opts.TLSConfig)})
}

// guardListener puts a guardConn over each (TLS) connection.
type guardListener struct{ net.Listener }

func (l guardListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return newGuard(c, nil, true, true), nil
}

// serve runs go-imap on l. go-imap never sees TLS (the guard is above
// it), so it is given no STARTTLS to offer and told that authentication
// is allowed: the guard (loginRule) and the session (needsTLS) decide.
func (s *Server) serve(l net.Listener) error {
	srv := imapserver.New(&imapserver.Options{
		NewSession: s.newSession,
		// go-imap writes these once logged in; the guard adds SORT and
		// THREAD (guardtls.go). ESEARCH: RFC 4731; SEARCHRES: RFC 5182;
		// LIST-EXTENDED: RFC 5258; LIST-STATUS: RFC 5819; BINARY: RFC 3516
		// (fetch.go decodes the part's transfer encoding; the archive takes
		// no APPEND, so no literal8 upload).
		Caps: goimap.CapSet{goimap.CapIMAP4rev1: {}, goimap.CapNamespace: {}, goimap.CapChildren: {},
			goimap.CapESearch: {}, goimap.CapSearchRes: {}, goimap.CapListExtended: {}, goimap.CapListStatus: {}, goimap.CapBinary: {}},
		Logger:       logAdapter{s.opts.Logger},
		InsecureAuth: true,
	})
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return l.Close()
	}
	s.imaps = append(s.imaps, srv)
	s.mu.Unlock()
	err := srv.Serve(l)
	if err != nil && s.isClosed() {
		return nil
	}
	return err
}

// isLoopback reports whether a listener's address is a loopback IP.
func isLoopback(a net.Addr) bool {
	if t, ok := a.(*net.TCPAddr); ok {
		return t.IP.IsLoopback()
	}
	return false
}

// Shutdown says BYE to every session, closes the listeners and the
// connections, and stops following the change feed.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	imaps := s.imaps
	var list []*session
	for sess := range s.sessions {
		list = append(list, sess)
	}
	s.mu.Unlock()
	done := make(chan struct{})
	go func() {
		for _, sess := range list {
			sess.conn.Bye("groupd is shutting down")
		}
		close(done)
	}()
	select {
	case <-done:
	case <-ctx.Done():
	}
	var errs []error
	for _, srv := range imaps {
		if err := srv.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			errs = append(errs, fmt.Errorf("imap: shutdown: %w", err))
		}
	}
	s.hub.close()
	return errors.Join(errs...)
}

func (s *Server) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

func (s *Server) track(sess *session) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.sessions[sess] = struct{}{}
	return true
}

// signedIn records whom a session is logged in as, for endSessions.
func (s *Server) signedIn(sess *session, email string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess.email = email
}

// sessionsEnded is the BYE text of a session whose user's password changed
// or whose account was deleted.
const sessionsEnded = "Your password was changed or your account deleted; log in again"

// endSessions ends every open session of user with BYE (RFC 9051 §7.1.5)
// when the store says so (groups.ChangeSessionsEnded: a password change or
// a deleted account ends them all, issue 16 item 2). Each BYE is written
// in its own goroutine: a client that stops reading must not stall the
// change feed.
func (s *Server) endSessions(user string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for sess := range s.sessions {
		if sess.email != "" && strings.EqualFold(sess.email, user) {
			go sess.bye(sessionsEnded)
		}
	}
}

func (s *Server) untrack(sess *session) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.sessions, sess)
}

// logAdapter sends the library's messages to slog.
type logAdapter struct{ log *slog.Logger }

func (l logAdapter) Printf(format string, args ...any) {
	l.log.Warn(fmt.Sprintf(format, args...))
}
