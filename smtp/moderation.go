package smtp

import (
	"context"
	"errors"
	"strings"

	"groupd/groups"
)

// request reads a master's reply to a held-post notice, sent to the
// post's request address <list>-request+<token>@ (issue 13): "approve",
// or "reject <reason>", as the first word of its text. It counts only when
// its sender passes the checks of a post from them — the session is
// trusted (a trusted network, or submission, where the logged-in user is
// the sender) or a DKIM signature of the sender's domain verifies (RFC
// 6376) — else it is ignored and logged. Whether the sender is a master
// of the group is the store's rule (groups.Store.DecideHeldByMail).
func (s *session) request(m *message, t *groups.MailTarget) func() error {
	if s.from == "" || m.autoSubmitted() {
		s.log.Info("moderation reply dropped: automatic mail", "to", t.Address, "from", s.from)
		return nil
	}
	who := s.user
	if who == "" {
		authors, err := m.fromAddrs()
		if err != nil {
			s.log.Info("moderation reply ignored: no From", "list", t.List)
			return nil
		}
		who = authors[0].Address
		if !s.verified(m, who) {
			s.log.Warn("moderation reply ignored: sender not verified (untrusted network, no DKIM)",
				"list", t.List, "from", who, "remote", s.remote)
			return nil
		}
	}
	text, _ := m.joinWords()
	action, reason := parseDecision(text)
	if action == "" {
		s.log.Info("moderation reply ignored: no approve or reject", "list", t.List, "from", who)
		return nil
	}
	return func() error {
		ctx, cancel := context.WithTimeout(context.Background(), lookupTimeout)
		defer cancel()
		err := s.srv.opts.Store.DecideHeldByMail(ctx, t.Token, who, action, reason)
		if errors.Is(err, groups.ErrDenied) || errors.Is(err, groups.ErrNotFound) || errors.Is(err, groups.ErrInvalid) {
			s.log.Warn("moderation reply ignored", "list", t.List, "from", who, "why", err)
			return nil
		}
		if err == nil {
			s.log.Info("moderation reply applied", "list", t.List, "from", who, "action", action)
		}
		return err
	}
}

// parseDecision reads the first word of a reply's text: "approve", or
// "reject" with the rest of its line as the reason (case-insensitive).
// Anything else is no decision ("").
func parseDecision(text string) (action, reason string) {
	line := strings.TrimSpace(strings.ReplaceAll(text, "\t", " "))
	if i := strings.IndexByte(line, '\n'); i >= 0 {
		line = strings.TrimSpace(line[:i])
	}
	word, rest, _ := strings.Cut(line, " ")
	switch strings.ToLower(strings.TrimRight(word, ".,:;!")) {
	case groups.HeldApprove:
		return groups.HeldApprove, ""
	case groups.HeldReject:
		return groups.HeldReject, strings.TrimSpace(rest)
	}
	return "", ""
}
