package smtp

import (
	"context"

	"groupd/groups"
)

// owner forwards mail for <list>-owner to the masters (SPEC §4), unless it
// is a bounce, automatic, or has been through this address already.
func (s *session) owner(ctx context.Context, m *message, t *groups.MailTarget) func() error {
	if s.from == "" || m.autoSubmitted() || m.hasLoop(t.Address) {
		s.log.Info("owner mail dropped", "to", t.Address, "from", s.from)
		return nil
	}
	o := s.srv.opts
	var data []byte
	data = append(data, receivedField(s.conn.Hostname(), s.remote, o.Hostname, s.id, t.Address, o.Now())...)
	data = append(data, "X-Loop: "+t.Address+"\r\n"...)
	err := s.hold.take(m.size)
	var raw []byte
	if err == nil {
		raw, err = m.raw()
	}
	if err != nil {
		return func() error { return err }
	}
	data = append(data, raw...)
	return func() error {
		s.log.Info("owner mail forwarded", "to", t.Address, "from", s.from)
		return o.Store.ForwardToMasters(ctx, t.List, data)
	}
}

// join sends the masters a join request naming the requester and quoting
// the request's subject and words (its plain text, bounded), and the
// requester an acknowledgement (SPEC §4) when the requester's address is
// verified. The requester is the header From (the envelope sender when
// From is unusable); its display name is made one line, so that it
// cannot start a header of its own.
func (s *session) join(m *message, t *groups.MailTarget) func() error {
	if s.from == "" || m.autoSubmitted() {
		s.log.Info("join request dropped", "to", t.Address, "from", s.from)
		return nil
	}
	r := groups.JoinMail{Address: s.from, Subject: m.subject()}
	if list, err := m.fromAddrs(); err == nil {
		r.Address, r.Name = list[0].Address, oneLine(list[0].Name)
	}
	r.Text, r.Truncated = m.joinWords()
	r.Verified = s.verified(m, r.Address)
	return func() error {
		s.log.Info("join request", "list", t.List, "from", r.Address, "verified", r.Verified)
		ctx, cancel := context.WithTimeout(context.Background(), lookupTimeout)
		defer cancel()
		return s.srv.opts.Store.JoinRequest(ctx, t.List, r)
	}
}

// bounce reads a bounce that came back to a VERP address (RFC 3464) and
// counts each failed recipient. Mail there that is no DSN is dropped.
func (s *session) bounce(_ context.Context, m *message, t *groups.MailTarget) func() error {
	if t.Token == "" {
		return nil
	}
	reports := parseDSN(m)
	return func() error {
		ctx, cancel := context.WithTimeout(context.Background(), lookupTimeout)
		defer cancel()
		for _, r := range reports {
			s.log.Info("bounce", "list", t.List, "rcpt", r.rcpt, "status", r.status)
			err := s.srv.opts.Store.RecordBounce(ctx, t.Token, r.rcpt, r.status, r.diag, s.srv.opts.BounceLimit)
			if err != nil && !isNotFound(err) {
				return err
			}
		}
		return nil
	}
}
