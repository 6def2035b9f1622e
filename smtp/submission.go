package smtp

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"log/slog"
	"net"
	"sync"
	"time"

	gosmtp "github.com/emersion/go-smtp"
)

// SubmissionOptions configure the Submission server (RFC 6409).
type SubmissionOptions struct {
	// Options are those of the inbound server, whose post path posts to
	// hosted lists: Store (required), Logger, Hostname, limits, subject
	// prefix, From rewrite, archive URL. TrustedNetworks does not apply:
	// a submission session is authenticated.
	Options
	// TLSConfig offers STARTTLS (RFC 3207) and serves ServeTLS. Default
	// nil: no TLS, so AUTH only where plaintext AUTH is allowed.
	TLSConfig *tls.Config
	// InsecureAuth allows AUTH without TLS on every listener (test
	// set-ups). Default false.
	InsecureAuth bool
	// Loopback says whether a plaintext listener is on loopback, where
	// AUTH without TLS is allowed. Default nil: decided from the address
	// of the listener given to Serve.
	Loopback *bool
	// MaxConcurrentLogins caps password checks running at once (each is
	// an argon2id hash); a login that waits longer than LoginWait gets
	// 454 4.7.0. Default 4.
	MaxConcurrentLogins int
	// LoginWait is how long a login waits for a slot. Default 10s.
	LoginWait time.Duration
}

// Submission is the authenticated mail submission server: AUTH PLAIN and
// LOGIN (RFC 4954) through Store.Login, then posting to hosted lists or
// relaying with From: the user's own address or a list address whose
// senders_as names the user.
type Submission struct {
	opts    SubmissionOptions
	log     *slog.Logger
	inbound *Server       // the post path for hosted recipients
	slots   chan struct{} // password checks running

	mu       sync.Mutex
	servers  []*gosmtp.Server
	closed   bool
	shutDone chan struct{} // closed when the first Shutdown has ended
	shutErr  error         // its result, set before shutDone is closed
}

// NewSubmission makes a Submission server; Serve or ServeTLS start it.
func NewSubmission(opts SubmissionOptions) (*Submission, error) {
	in, err := NewServer(opts.Options)
	if err != nil {
		return nil, err
	}
	opts.Options = in.opts
	if opts.MaxConcurrentLogins <= 0 {
		opts.MaxConcurrentLogins = 4
	}
	if opts.LoginWait <= 0 {
		opts.LoginWait = 10 * time.Second
	}
	return &Submission{opts: opts, inbound: in, slots: make(chan struct{}, opts.MaxConcurrentLogins),
		log: opts.Logger.With("component", "submission")}, nil
}

// Serve accepts connections on l until Shutdown. AUTH needs TLS (STARTTLS
// or a TLS listener) unless l is loopback or InsecureAuth is set.
func (s *Submission) Serve(l net.Listener) error {
	return s.serve(cmdListener{Listener: l, max: s.opts.MaxCommands, log: s.log, pit: s.inbound.pit})
}

func (s *Submission) serve(l net.Listener) error {
	insecure := s.opts.InsecureAuth || isLoopback(l.Addr())
	if s.opts.Loopback != nil {
		insecure = s.opts.InsecureAuth || *s.opts.Loopback
	}
	srv := s.newServer(insecure)
	if srv == nil {
		return l.Close()
	}
	err := srv.Serve(l)
	if err == gosmtp.ErrServerClosed {
		return nil
	}
	return err
}

// ServeTLS accepts implicit-TLS connections (RFC 8314 §3.3) on l.
func (s *Submission) ServeTLS(l net.Listener) error {
	if s.opts.TLSConfig == nil {
		return errors.New("smtp: submission over TLS needs a TLSConfig")
	}
	counted := cmdListener{Listener: l, max: s.opts.MaxCommands, log: s.log, tls: true, pit: s.inbound.pit}
	return s.serve(tls.NewListener(counted, s.opts.TLSConfig))
}

func (s *Submission) newServer(insecureAuth bool) *gosmtp.Server {
	o := s.opts
	srv := gosmtp.NewServer(gosmtp.BackendFunc(s.newSession))
	srv.Domain = o.Hostname
	srv.MaxMessageBytes = o.MaxMessageBytes
	srv.MaxRecipients = o.MaxRecipients
	srv.MaxLineLength = o.MaxLineLength
	srv.ReadTimeout = o.ReadTimeout
	srv.WriteTimeout = o.WriteTimeout
	srv.EnableSMTPUTF8 = true
	srv.TLSConfig = o.TLSConfig
	srv.AllowInsecureAuth = insecureAuth
	srv.ErrorLog = slogPrinter{s.log}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.servers = append(s.servers, srv)
	return srv
}

// Shutdown stops accepting connections and waits, until ctx is done, for
// the sessions in progress to end.
//
// The submission and submissions listeners share this server and each
// calls Shutdown; the first does the work (go-smtp's Server.Shutdown
// panics when two calls race) and the others wait for it to end.
func (s *Submission) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	if s.shutDone != nil {
		done := s.shutDone
		s.mu.Unlock()
		select {
		case <-done:
			return s.shutErr
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	s.closed, s.shutDone = true, make(chan struct{})
	s.inbound.pit.shutdown() // slowed senders end now (tarpit.go)
	servers := s.servers
	s.mu.Unlock()
	var errs []error
	for _, srv := range servers {
		if err := srv.Shutdown(ctx); err != nil && err != gosmtp.ErrServerClosed {
			srv.Close()
			errs = append(errs, err)
		}
	}
	s.shutErr = errors.Join(errs...)
	close(s.shutDone)
	return s.shutErr
}

// Close closes every listener and connection at once.
func (s *Submission) Close() error {
	s.mu.Lock()
	s.closed = true
	servers := s.servers
	s.mu.Unlock()
	for _, srv := range servers {
		srv.Close()
	}
	return nil
}

// isLoopback reports whether a listener's address is a loopback IP.
func isLoopback(a net.Addr) bool {
	if t, ok := a.(*net.TCPAddr); ok {
		return t.IP.IsLoopback()
	}
	return false
}

func (s *Submission) newSession(c *gosmtp.Conn) (gosmtp.Session, error) {
	id := make([]byte, 6)
	rand.Read(id)
	remote := "unknown"
	if c.Conn() != nil {
		startedTLS(c.Conn())
		remote = c.Conn().RemoteAddr().String()
	}
	sid := hex.EncodeToString(id)
	log := s.log.With("session", sid, "remote", remote)
	in := &session{srv: s.inbound, conn: c, id: sid, remote: remote, trusted: true, log: log}
	return &subSession{sub: s, in: in, log: log}, nil
}
