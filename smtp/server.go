package smtp

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"

	gosmtp "github.com/emersion/go-smtp"
)

// Server is the inbound SMTP server for list addresses.
type Server struct {
	opts   Options
	log    *slog.Logger
	srv    *gosmtp.Server
	commit *committer
	drain  drain   // sessions, to end the idle ones at Shutdown
	pit    *tarpit // senders of messages over the size limit
}

// NewServer makes a Server; Serve starts it.
func NewServer(opts Options) (*Server, error) {
	if err := opts.fill(); err != nil {
		return nil, err
	}
	s := &Server{opts: opts, log: opts.Logger.With("component", "smtp"), commit: &committer{store: opts.Store},
		pit: newTarpit(&opts)}
	srv := gosmtp.NewServer(gosmtp.BackendFunc(s.newSession))
	srv.Domain = opts.Hostname
	srv.MaxMessageBytes = opts.MaxMessageBytes
	srv.MaxRecipients = opts.MaxRecipients
	srv.MaxLineLength = opts.MaxLineLength
	srv.ReadTimeout = opts.ReadTimeout
	srv.WriteTimeout = opts.WriteTimeout
	srv.EnableSMTPUTF8 = true
	srv.ErrorLog = slogPrinter{s.log}
	s.srv = srv
	return s, nil
}

// Serve accepts connections on l until Shutdown.
func (s *Server) Serve(l net.Listener) error {
	err := s.srv.Serve(cmdListener{Listener: l, max: s.opts.MaxCommands, log: s.log, pit: s.pit})
	if err == gosmtp.ErrServerClosed {
		return nil
	}
	return err
}

// Shutdown stops accepting connections and waits, until ctx is done, for
// the sessions in progress to end. What was answered 250 is on disk.
func (s *Server) Shutdown(ctx context.Context) error {
	s.drain.closeIdle() // idle connections, a relay's cached ones, end now
	s.pit.shutdown()    // and slowed ones
	err := s.srv.Shutdown(ctx)
	if err != nil && err != gosmtp.ErrServerClosed {
		s.srv.Close()
		return err
	}
	return nil
}

func (s *Server) newSession(c *gosmtp.Conn) (gosmtp.Session, error) {
	id := make([]byte, 6)
	rand.Read(id)
	remote, trusted := "unknown", false
	if c.Conn() != nil {
		startedTLS(c.Conn())
		remote = c.Conn().RemoteAddr().String()
		trusted = trustedRemote(c.Conn().RemoteAddr(), s.opts.TrustedNetworks)
	}
	sid := hex.EncodeToString(id)
	return s.drain.track(&session{srv: s, conn: c, id: sid, remote: remote, trusted: trusted,
		log: s.log.With("session", sid, "remote", remote)}), nil
}

// slogPrinter lets go-smtp report its internal errors to the logger.
type slogPrinter struct{ log *slog.Logger }

func (p slogPrinter) Printf(format string, v ...any) {
	p.log.Error("go-smtp", "msg", fmt.Sprintf(format, v...))
}
func (p slogPrinter) Println(v ...any) { p.log.Error("go-smtp", "msg", fmt.Sprint(v...)) }
