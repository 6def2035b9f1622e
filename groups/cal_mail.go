package groups

import (
	"context"
	"errors"
)

// ListCalendar opens the events calendar of the group whose list address
// is list, for an invitation mailed to the list (RFC 6047 iMIP) as part
// of a post the list accepted: the caller has applied the posting rule
// (MayPost), so no member is needed. It is ErrNotFound when there is no
// such list or the group's event feature is off, by its masters or by
// the organisation's policy. Every write checks this again in its
// transaction.
func (s *Store) ListCalendar(ctx context.Context, list string) (*Calendar, error) {
	return s.listCalendarQ(ctx, s.rdb, normAddr(list))
}

// listCalendarQ loads the list's group and checks its event feature.
func (s *Store) listCalendarQ(ctx context.Context, q querier, list string) (*Calendar, error) {
	c := &Calendar{s: s, Feature: FeatureEvent, list: list}
	var on bool
	err := q.QueryRowContext(ctx, `SELECT gid, id, name, f_event FROM groups WHERE list_address = ?`, list).
		Scan(&c.gid, &c.GroupID, &c.Name, &on)
	if errors.Is(err, errNoRows) {
		return nil, errorf(ErrNotFound, "%s is not a list", list)
	}
	if err != nil {
		return nil, err
	}
	pol, err := s.policy(ctx, q)
	if err != nil {
		return nil, err
	}
	if !on || pol.disabledSet()[FeatureEvent] {
		return nil, errorf(ErrNotFound, "the event feature is not available in this group")
	}
	return c, nil
}

// authorizeList is authorizeWrite for a calendar opened by ListCalendar:
// the list is still the same group's and its event feature still on.
func (c *Calendar) authorizeList(ctx context.Context, tx *wtx) error {
	now, err := c.s.listCalendarQ(ctx, tx, c.list)
	if err != nil {
		return err
	}
	if now.gid != c.gid {
		return errGroupNotFound()
	}
	return nil
}
