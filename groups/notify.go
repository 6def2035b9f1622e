package groups

import (
	"context"
	"errors"
)

// The Group notification (SPEC §1 Notifications): when a group with
// notify on is created, edited (settings, profile image, members added,
// removed, promoted or demoted) or deleted, its members and the member
// the change concerns get a mail saying what changed and by whom, in the
// organisation's language. The texts are in internal/notice's catalog.

// Events of a Group notification, the middle of its catalog keys.
const (
	eventCreated = "created"
	eventEdited  = "edited"
	eventDeleted = "deleted"
)

// groupNotice is one Group notification.
type groupNotice struct {
	event     string   // eventCreated, eventEdited or eventDeleted
	name      string   // the group's name
	lines     []string // settings changed, or at creation the settings, one a line, kept whole
	sentences []string // what else happened (a member added...), each a paragraph, wrapped
	concerned []string // whom the change concerns besides the members (a removed member)
}

// notifyGroup queues n to every member of group gid and to whom it
// concerns, saying what happened and by whom.
func (s *Store) notifyGroup(ctx context.Context, tx *wtx, gid int64, a Actor, n groupNotice) error {
	rcpts, err := scanStrings(tx.QueryContext(ctx, `SELECT u.email FROM memberships m JOIN users u ON u.uid = m.uid
		WHERE m.gid = ? ORDER BY u.email`, gid))
	if err != nil {
		return err
	}
	for _, c := range n.concerned {
		if !contains(rcpts, c) {
			rcpts = append(rcpts, c)
		}
	}
	who, err := s.actorName(ctx, tx, a)
	if err != nil {
		return err
	}
	c := s.notices
	b := s.notices.NewBody()
	b.Para(c.T("group."+n.event+".intro", n.name, who))
	b.Lines(n.lines...)
	for _, p := range n.sentences {
		b.Para(p)
	}
	b.Para(c.T("group.footer"))
	msg, err := s.composeNotice(tx, c.T("group."+n.event+".subject", n.name, who), b.String(), nil)
	if err != nil {
		return err
	}
	return enqueue(ctx, tx, s.NoReplyAddress(), rcpts, msg)
}

// notifyEdit queues an "edited" notification of group gid saying what
// happened in a sentence, when the group has notify on; concerned are
// told too.
func (s *Store) notifyEdit(ctx context.Context, tx *wtx, gid int64, a Actor, sentence string, concerned ...string) error {
	var name string
	var on bool
	if err := tx.QueryRowContext(ctx, `SELECT name, notify FROM groups WHERE gid = ?`, gid).Scan(&name, &on); err != nil || !on {
		return err
	}
	return s.notifyGroup(ctx, tx, gid, a, groupNotice{event: eventEdited, name: name, sentences: []string{sentence},
		concerned: concerned})
}

// person names the user email as notices do: "Alice <alice@example.test>"
// (Notices.Person), the address alone for someone without an account.
func (s *Store) person(ctx context.Context, q querier, email string) (string, error) {
	var name string
	err := q.QueryRowContext(ctx, `SELECT name FROM users WHERE email = ?`, email).Scan(&name)
	if errors.Is(err, errNoRows) {
		return email, nil
	}
	return s.notices.Person(name, email), err
}

// people names each of emails as person does.
func (s *Store) people(ctx context.Context, q querier, emails []string) ([]string, error) {
	out := make([]string, 0, len(emails))
	for _, e := range emails {
		p, err := s.person(ctx, q, e)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// actorName names who did it: the user, or "an administrator" for the
// admin token.
func (s *Store) actorName(ctx context.Context, q querier, a Actor) (string, error) {
	if a.Email == "" {
		return s.notices.T("actor.admin"), nil
	}
	return s.person(ctx, q, a.Email)
}

// memberLine is the notification sentence for email's membership going from
// role before to role after ("" for none), both never equal.
func (s *Store) memberLine(ctx context.Context, q querier, email, before, after string) (string, error) {
	who, err := s.person(ctx, q, email)
	if err != nil {
		return "", err
	}
	key := "member.promoted"
	switch {
	case before == "" && after == RoleMaster:
		key = "member.added.master"
	case before == "":
		key = "member.added"
	case after == "":
		key = "member.removed"
	case after == RoleMember:
		key = "member.demoted"
	}
	return s.notices.T(key, who), nil
}

// namer names addresses as people does, for diffGroups; an address
// whose name cannot be read stays an address.
func (s *Store) namer(ctx context.Context, q querier) func([]string) []string {
	return func(emails []string) []string {
		out, err := s.people(ctx, q, emails)
		if err != nil {
			return emails
		}
		return out
	}
}
