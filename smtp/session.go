package smtp

import (
	"context"
	"io"
	"log/slog"
	"net/mail"
	"strings"
	"time"

	gosmtp "github.com/emersion/go-smtp"

	"groupd/groups"
)

// session is one SMTP connection's state (RFC 5321 §3.3).
type session struct {
	srv     *Server
	conn    *gosmtp.Conn
	id      string
	remote  string
	log     *slog.Logger
	trusted bool   // a trusted network or an authenticated submission
	user    string // submission: the authenticated user, who is checked instead of From
	from    string // envelope sender, lower-case; "" for the null sender
	targets []*groups.MailTarget
	hold    *hold // what the DATA in progress took from the memory budget
	held    int   // posts of this session stored for the masters (moderation)
	// moderated: lists whose moderation holds the envelope sender's
	// posts (RCPT); their posts are held whatever From says.
	moderated map[string]bool
}

const lookupTimeout = 30 * time.Second

func (s *session) Reset() {
	s.from = ""
	s.targets = nil
	s.moderated = nil
}

func (s *session) Logout() error { return nil }

// Mail takes the envelope sender (RFC 5321 §4.1.1.2); the null sender
// "<>" marks a bounce.
func (s *session) Mail(from string, opts *gosmtp.MailOptions) error {
	s.Reset()
	if err := mailFits(s.srv.opts.Budget, opts); err != nil {
		s.log.Warn("message refused at MAIL: the memory budget is spent", "size", opts.Size)
		return err
	}
	if from != "" {
		if _, err := mail.ParseAddress("<" + from + ">"); err != nil || !strings.Contains(from, "@") {
			return errBadAddress(from)
		}
	}
	s.from = strings.ToLower(from)
	return nil
}

// Rcpt decides on each recipient (SPEC §4): hosted lists and their
// companions only, and the list's posting rule for the envelope sender.
func (s *session) Rcpt(to string, _ *gosmtp.RcptOptions) error {
	addr := strings.ToLower(to)
	local, domain, ok := strings.Cut(addr, "@")
	if !ok || local == "" {
		return errBadAddress(to)
	}
	st := s.srv.opts.Store
	if !st.IsHosted(domain) {
		s.log.Info("relay refused", "from", s.from, "rcpt", addr)
		return errRelay(addr)
	}
	ctx, cancel := context.WithTimeout(context.Background(), lookupTimeout)
	defer cancel()
	// A private group's addresses answer a sender it does not accept
	// exactly as a missing address does (SPEC §1, §4): groups decides.
	t, err := st.ResolveMailAddress(ctx, addr, groups.Sender{Address: s.from, Verified: s.trusted})
	if err != nil {
		return mapStoreErr(err)
	}
	if t.Kind == groups.MailList && s.from != "" {
		if err := st.MayPostTo(ctx, t, s.from); held(err) {
			if s.moderated == nil {
				s.moderated = map[string]bool{}
			}
			s.moderated[t.List] = true
		} else if err != nil {
			s.log.Info("post refused at RCPT", "from", s.from, "list", t.List, "why", err)
			return mapStoreErr(err)
		}
	}
	for _, x := range s.targets {
		if x.Address == t.Address {
			return nil
		}
	}
	s.targets = append(s.targets, t)
	return nil
}

// Data reads the message, checks it, and stores what it means for each
// recipient before answering (SPEC §4: durable before 250).
func (s *session) Data(r io.Reader) error {
	o := s.srv.opts
	m, err := readMessage(s.srv.pit.paced(r), o.MaxMessageBytes, o.MaxHeaderLines, o.SpoolDir)
	if err != nil {
		s.log.Info("message refused", "from", s.from, "err", err)
		s.tooLarge(err)
		if _, ok := err.(*gosmtp.SMTPError); ok {
			return err
		}
		return errMalformed("the message could not be read")
	}
	defer m.close()
	s.hold = newHold(o.Budget, s.log)
	defer s.hold.done()
	ctx, cancel := context.WithTimeout(context.Background(), lookupTimeout)
	defer cancel()
	var posts []*groups.Post
	var later []func() error
	for _, t := range s.targets {
		switch t.Kind {
		case groups.MailList:
			p, err := s.post(ctx, m, t)
			if err != nil {
				return err
			}
			if p != nil {
				posts = append(posts, p)
			}
		case groups.MailOwner:
			later = append(later, s.owner(ctx, m, t))
		case groups.MailJoin:
			later = append(later, s.join(m, t))
		case groups.MailBounces:
			later = append(later, s.bounce(ctx, m, t))
		case groups.MailRequest:
			later = append(later, s.request(m, t))
		case groups.MailUnsubscribe:
			later = append(later, s.unsubscribe(t))
		}
	}
	if len(posts) > 0 {
		if err := s.srv.commit.commit(posts); err != nil {
			s.log.Error("storing posts", "err", err)
			return errTemporary()
		}
		for _, p := range posts {
			if p.Err != nil {
				return mapStoreErr(p.Err)
			}
			if p.Held != 0 { // moderation: stored for the masters (groups/mail_held.go)
				s.log.Info("post held", "list", p.List, "from", p.Sender, "held", p.Held, "verified", p.Verified)
				s.held++
				continue
			}
			s.log.Info("post accepted", "list", p.List, "from", p.Sender, "recipients", p.Recipients, "bytes", len(p.Data))
			s.invite(ctx, m, p) // RFC 6047: invitations go to the group's calendar (invite.go)
		}
	}
	for _, f := range later {
		if f == nil {
			continue
		}
		if err := f(); err != nil {
			if se, ok := err.(*gosmtp.SMTPError); ok {
				return se // the memory budget's 452
			}
			s.log.Error("companion mail", "err", err)
			return errTemporary()
		}
	}
	return nil
}

// post checks a message for list t and makes its list copy; nil when the
// message is accepted but not fanned out (bounce, robot, loop).
func (s *session) post(ctx context.Context, m *message, t *groups.MailTarget) (*groups.Post, error) {
	switch {
	case s.from == "":
		s.log.Info("bounce to a list address dropped", "list", t.List)
		return nil, nil
	case m.hasLoop(t.List):
		s.log.Info("looping mail dropped", "list", t.List, "from", s.from)
		return nil, nil
	case m.autoSubmitted():
		s.log.Info("automatic mail dropped", "list", t.List, "from", s.from)
		return nil, nil
	}
	authors, err := m.fromAddrs()
	if err != nil {
		return nil, err
	}
	checks := make([]string, 0, len(authors))
	for _, a := range authors {
		checks = append(checks, a.Address)
	}
	if s.user != "" { // From passed the sender-as rule (groups.Store.MaySendAs)
		checks = []string{s.user}
	}
	hold := s.moderated[t.List]
	for _, a := range checks {
		err := s.mayPostAs(ctx, m, t.List, a)
		hold = hold || held(err)
		if err != nil && !held(err) {
			s.log.Info("post refused at DATA", "from", a, "list", t.List, "why", err)
			return nil, mapStoreErr(err)
		}
	}
	o := s.srv.opts
	// Whether the author may be told about a held post (no backscatter).
	// DKIM is looked at only where it was already (internal authors,
	// mayPostAs) or where it matters (a post held here): an external
	// author's post to an "all" list counts as unverified.
	internal := o.Store.IsInternal(checks[0])
	verified := s.trusted || (internal || hold) && s.verified(m, checks[0])
	now := o.Now()
	prefix, archive := "", ""
	if o.SubjectPrefix {
		prefix = "[" + t.GroupName + "]"
	}
	if t.Archive {
		archive = o.ArchiveURL(t.GroupID)
	}
	rw := s.srv.fromRewrite(authors[0], t)
	if prefix != "" && rw == nil {
		s.verifyDKIM(m) // only a verified signature of Subject keeps it unprefixed
	}
	rcv := receivedField(s.heloName(), s.remote, o.Hostname, s.id, t.List, now)
	if err := s.hold.take(m.size); err != nil {
		return nil, err
	}
	data, err := listCopy(m, t, rcv, prefix, archive, rw)
	if err != nil {
		s.log.Error("reading the spooled message", "err", err)
		return nil, errTemporary()
	}
	return &groups.Post{
		List: t.List, Sender: checks[0], Data: data,
		MessageID: m.messageID(), Subject: m.subject(), Received: now,
		Verified: verified, Unverified: !verified && internal, Hold: hold,
		AsList: s.user != "" && strings.EqualFold(authors[0].Address, t.List),
	}, nil
}

// tooLarge slows the client's address (tarpit.go) when err refused its
// message for size.
func (s *session) tooLarge(err error) {
	if se, ok := err.(*gosmtp.SMTPError); ok && se.Code == 552 && s.conn != nil && s.conn.Conn() != nil {
		s.srv.pit.punish(s.conn.Conn().RemoteAddr())
		s.log.Warn("message over the size limit without SIZE; the address is slowed",
			"bytes_per_second", s.srv.opts.TarpitRate, "for", s.srv.opts.TarpitFor)
	}
}
