package groups

import (
	"context"
	"errors"
)

// The Group notification (SPEC §1 Notifications): when a group with
// notify on is created, edited (settings, profile image, members added,
// removed, promoted or demoted) or deleted, its members and the member
// the change concerns get a mail saying what changed and by whom, in the
// organisation's language. The store gives the facts (a GroupNotice,
// notice.go); internal/notice words them.

// notifyGroup queues n to every member of group gid and to concerned
// (whom the change concerns besides the members: a removed member),
// naming who did it (n.By).
func (s *Store) notifyGroup(ctx context.Context, tx *wtx, gid int64, a Actor, n GroupNotice, concerned ...string) error {
	rcpts, err := scanStrings(tx.QueryContext(ctx, `SELECT u.email FROM memberships m JOIN users u ON u.uid = m.uid
		WHERE m.gid = ? ORDER BY u.email`, gid))
	if err != nil {
		return err
	}
	for _, c := range concerned {
		if !contains(rcpts, c) {
			rcpts = append(rcpts, c)
		}
	}
	if n.By, err = s.actorPerson(ctx, tx, a); err != nil {
		return err
	}
	msg, err := s.composeNotice(tx, n, nil)
	if err != nil {
		return err
	}
	return enqueue(ctx, tx, s.NoReplyAddress(), rcpts, msg)
}

// notifyEdit queues an "edited" notification of group gid saying what
// happened (what's Member, External or Profile), when the group has
// notify on; concerned are told too.
func (s *Store) notifyEdit(ctx context.Context, tx *wtx, gid int64, a Actor, what GroupNotice, concerned ...string) error {
	var name string
	var on bool
	if err := tx.QueryRowContext(ctx, `SELECT name, notify FROM groups WHERE gid = ?`, gid).Scan(&name, &on); err != nil || !on {
		return err
	}
	what.Event, what.Group = GroupEdited, name
	return s.notifyGroup(ctx, tx, gid, a, what, concerned...)
}

// person is the user email as a notice names them: with the display
// name of their account, the address alone for someone without one.
func (s *Store) person(ctx context.Context, q querier, email string) (Person, error) {
	var name string
	err := q.QueryRowContext(ctx, `SELECT name FROM users WHERE email = ?`, email).Scan(&name)
	if errors.Is(err, errNoRows) {
		return Person{Email: email}, nil
	}
	return Person{Name: name, Email: email}, err
}

// people is each of emails as person gives them.
func (s *Store) people(ctx context.Context, q querier, emails []string) ([]Person, error) {
	out := make([]Person, 0, len(emails))
	for _, e := range emails {
		p, err := s.person(ctx, q, e)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// actorPerson is who did it: the user, or the zero Person for the admin
// token.
func (s *Store) actorPerson(ctx context.Context, q querier, a Actor) (Person, error) {
	if a.Email == "" {
		return Person{}, nil
	}
	return s.person(ctx, q, a.Email)
}

// memberChange is the edit of email's membership going from role before
// to role after ("" for none), both never equal.
func (s *Store) memberChange(ctx context.Context, q querier, email, before, after string) (GroupNotice, error) {
	who, err := s.person(ctx, q, email)
	return GroupNotice{Member: &MemberChange{Who: who, Before: before, After: after}}, err
}
