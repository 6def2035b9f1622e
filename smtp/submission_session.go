package smtp

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"net/mail"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	gosmtp "github.com/emersion/go-smtp"

	"groupd/groups"
)

// subSession is one submission connection (RFC 6409). Hosted recipients
// (lists and their companions) go through the inbound post path as an
// authenticated, trusted sender; other recipients are relayed through the
// outbound queue.
type subSession struct {
	sub   *Submission
	in    *session // the inbound session: envelope and hosted targets
	log   *slog.Logger
	user  *groups.User
	rcpts []string // recipients outside the hosted domains
}

// AuthMechanisms are PLAIN (RFC 4616) and LOGIN.
func (s *subSession) AuthMechanisms() []string { return []string{sasl.Plain, sasl.Login} }

// Auth starts a SASL exchange (RFC 4954 §4).
func (s *subSession) Auth(mech string) (sasl.Server, error) {
	switch mech {
	case sasl.Plain:
		return sasl.NewPlainServer(func(identity, username, password string) error {
			if identity != "" && !strings.EqualFold(identity, username) {
				return errAuthIdentity()
			}
			return s.login(username, password)
		}), nil
	case sasl.Login:
		return newLoginServer(s.login), nil
	}
	return nil, gosmtp.ErrAuthUnknownMechanism
}

// login checks the credentials with the one authentication service, which
// throttles and logs (without the password).
func (s *subSession) login(email, password string) error {
	ctx, cancel := context.WithTimeout(context.Background(), lookupTimeout)
	defer cancel()
	wait := time.NewTimer(s.sub.opts.LoginWait)
	defer wait.Stop()
	select {
	case s.sub.slots <- struct{}{}:
		defer func() { <-s.sub.slots }()
	case <-wait.C:
		return errLoginBusy()
	}
	u, err := s.sub.opts.Store.Login(ctx, groups.LoginRequest{Email: email, Password: password,
		Remote: s.in.remote, Protocol: "smtp"})
	if err != nil {
		return mapLoginErr(err)
	}
	s.user = u
	s.log = s.log.With("user", u.Email)
	s.in.log = s.log
	return nil
}

func (s *subSession) Reset() {
	s.in.Reset()
	s.rcpts = nil
}

func (s *subSession) Logout() error { return nil }

// Mail takes the envelope sender; AUTH comes first (RFC 6409 §4.3).
func (s *subSession) Mail(from string, opts *gosmtp.MailOptions) error {
	if s.user == nil {
		return errAuthRequired()
	}
	s.rcpts = nil
	if err := s.in.Mail(from, opts); err != nil {
		return err
	}
	s.in.from = strings.ToLower(s.user.Email) // posts are checked as the user
	s.in.user = s.in.from
	return nil
}

// Rcpt takes any recipient: a hosted address is checked now against its
// list's posting rule for the user, others wait for the From check at
// DATA.
func (s *subSession) Rcpt(to string, opts *gosmtp.RcptOptions) error {
	if s.user == nil {
		return errAuthRequired()
	}
	addr := strings.ToLower(to)
	local, domain, ok := strings.Cut(addr, "@")
	if _, err := mail.ParseAddress("<" + to + ">"); err != nil || !ok || local == "" {
		return errBadAddress(to)
	}
	if s.sub.opts.Store.IsHosted(domain) {
		return s.in.Rcpt(addr, opts)
	}
	for _, r := range s.rcpts {
		if r == addr {
			return nil
		}
	}
	s.rcpts = append(s.rcpts, addr)
	return nil
}

// Data checks every From address, and Sender, against the sender-as rule
// (one From field only, RFC 5322 §3.6), then posts to the hosted lists and
// queues the rest for the relay, durably, before answering.
func (s *subSession) Data(r io.Reader) error {
	o := s.sub.opts
	m, err := readMessage(s.in.srv.pit.paced(r), o.MaxMessageBytes, o.MaxHeaderLines, o.SpoolDir)
	if err != nil {
		s.log.Info("message refused", "err", err)
		s.in.tooLarge(err)
		if _, ok := err.(*gosmtp.SMTPError); ok {
			return err
		}
		return errMalformed("the message could not be read")
	}
	defer m.close()
	authors, err := m.fromAddrs()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), lookupTimeout)
	defer cancel()
	for _, a := range authors {
		if err := o.Store.MaySendAs(ctx, s.user, a.Address); err != nil {
			s.log.Info("submission refused", "from", a.Address, "why", err)
			return mapStoreErr(err)
		}
	}
	if err := s.checkSender(ctx, m); err != nil {
		return err
	}
	if len(s.in.targets) > 0 {
		if err := s.in.Data(m.reader()); err != nil {
			return err
		}
	}
	if len(s.rcpts) == 0 {
		return nil
	}
	h := newHold(o.Budget, s.log)
	defer h.done()
	if err := h.take(m.size); err != nil {
		return err
	}
	data, err := s.outgoing(m)
	if err != nil {
		s.log.Error("reading the spooled message", "err", err)
		return errTemporary()
	}
	from := envelopeFor(s.user, authors[0].Address)
	if err := o.Store.Enqueue(ctx, from, s.rcpts, data); err != nil {
		s.log.Error("queueing submitted mail", "err", err)
		return errTemporary()
	}
	s.log.Info("submitted mail queued", "from", authors[0].Address, "recipients", len(s.rcpts), "bytes", len(data))
	return nil
}

// envelopeFor is the envelope sender of relayed mail: the user, or for
// mail sent as a list that list's -owner address, so that bounces reach
// its masters.
func envelopeFor(u *groups.User, from string) string {
	from = strings.ToLower(from)
	if from == strings.ToLower(u.Email) {
		return u.Email
	}
	local, domain, _ := strings.Cut(from, "@")
	return local + "-owner@" + domain
}

// outgoing is the message as relayed: a Received field (RFC 5321 §4.4),
// plus Date and Message-ID when the client left them out (RFC 6409 §8).
func (s *subSession) outgoing(m *message) ([]byte, error) {
	o := s.sub.opts
	now := o.Now()
	var b bytes.Buffer
	b.WriteString("Received: from " + oneLine(s.in.conn.Hostname()) + " (" + s.in.remote + ")\r\n\tby " +
		o.Hostname + " (groupd) with ESMTPSA id " + s.in.id + "; " + now.Format(time.RFC1123Z) + "\r\n")
	if m.h.Get("Date") == "" {
		b.WriteString("Date: " + now.Format(time.RFC1123Z) + "\r\n")
	}
	if m.h.Get("Message-Id") == "" {
		id := make([]byte, 12)
		rand.Read(id)
		b.WriteString("Message-ID: <" + hex.EncodeToString(id) + "@" + o.Hostname + ">\r\n")
	}
	b.Grow(int(m.size))
	if _, err := io.CopyBuffer(onlyWriter{&b}, m.reader(), make([]byte, 32<<10)); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// mapLoginErr is the answer to a failed AUTH (RFC 4954 §6).
func mapLoginErr(err error) error {
	switch {
	case errors.Is(err, groups.ErrThrottled):
		return smtpErr(454, gosmtp.EnhancedCode{4, 7, 0}, "too many failed logins from your address; try again later")
	case errors.Is(err, groups.ErrUnauthenticated):
		return smtpErr(535, gosmtp.EnhancedCode{5, 7, 8}, "authentication failed: wrong address or password")
	}
	return errTemporary()
}

func errLoginBusy() error {
	return smtpErr(454, gosmtp.EnhancedCode{4, 7, 0}, "too many logins at once; try again shortly")
}

func errAuthIdentity() error {
	return smtpErr(535, gosmtp.EnhancedCode{5, 7, 8}, "authentication failed: you may not act as another user")
}
