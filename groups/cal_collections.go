package groups

import (
	"context"
	"errors"
	"time"
)

// CalFeatures are the features served as calendar collections: "event"
// (VEVENT) and "task" (VTODO).
func CalFeatures() []string { return []string{FeatureEvent, FeatureTask} }

// CalCollection is a group's events or tasks collection as one user sees
// it.
type CalCollection struct {
	GroupID string
	Name    string // the group's name
	Feature string // FeatureEvent or FeatureTask
	Created time.Time
	Token   int64 // the collection's sync token: its last change (0: none)
}

// CalCollections lists the calendar collections of the actor: for every
// group the actor is a member of, its events when the event feature is on
// and its tasks when the task feature is on (and not disabled by policy),
// by group id.
func (s *Store) CalCollections(ctx context.Context, a Actor) ([]CalCollection, error) {
	out := []CalCollection{}
	if a.Email == "" {
		return out, nil
	}
	pol, err := s.policy(ctx, s.rdb)
	if err != nil {
		return nil, err
	}
	off := pol.disabledSet()
	rows, err := s.rdb.QueryContext(ctx, `SELECT g.gid, g.id, g.name, g.created_at, g.f_event, g.f_task
		FROM groups g JOIN memberships m ON m.gid = g.gid JOIN users u ON u.uid = m.uid
		WHERE u.email = ? ORDER BY g.id`, a.Email)
	if err != nil {
		return nil, err
	}
	type grp struct {
		gid       int64
		c         CalCollection
		ev, tasks bool
	}
	var gs []grp
	for rows.Next() {
		var g grp
		var created int64
		if err := rows.Scan(&g.gid, &g.c.GroupID, &g.c.Name, &created, &g.ev, &g.tasks); err != nil {
			rows.Close()
			return nil, err
		}
		g.c.Created = unixTime(created)
		gs = append(gs, g)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, g := range gs {
		for _, f := range CalFeatures() {
			if off[f] || (f == FeatureEvent && !g.ev) || (f == FeatureTask && !g.tasks) {
				continue
			}
			c := g.c
			c.Feature = f
			if c.Token, err = calToken(ctx, s.rdb, g.gid, f); err != nil {
				return nil, err
			}
			out = append(out, c)
		}
	}
	return out, nil
}

// calToken is the sequence number of the collection's last change.
func calToken(ctx context.Context, q querier, gid int64, feature string) (int64, error) {
	var n int64
	err := q.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM cal_changes
		WHERE gid = ? AND feature = ?`, gid, feature).Scan(&n)
	return n, err
}

// Calendar opens a group's events (feature "event") or tasks ("task")
// collection for the actor: members only, feature on. A non-member, a
// removed member or a disabled feature get ErrNotFound, as for a
// collection that does not exist.
func (s *Store) Calendar(ctx context.Context, a Actor, groupID, feature string) (*Calendar, error) {
	if feature != FeatureEvent && feature != FeatureTask {
		return nil, errorf(ErrNotFound, "no such calendar")
	}
	acc, err := s.Authorize(ctx, a, groupID, ActRead, feature)
	if err != nil {
		return nil, calHide(err)
	}
	if acc.Role == "" {
		// Admins may read any group's data through the API; calendars are
		// for members only, so an admin who is not a member sees nothing.
		return nil, errGroupNotFound()
	}
	return &Calendar{s: s, actor: a, gid: acc.gid, GroupID: groupID, Name: acc.Name, Feature: feature}, nil
}

// Calendar is one collection opened for one actor, for one request. Reads
// use the rights checked when it was opened; every write checks them again
// in its transaction, so a member removed meanwhile cannot write.
type Calendar struct {
	s       *Store
	actor   Actor
	gid     int64
	GroupID string
	Name    string
	Feature string
	list    string // opened by ListCalendar for the list's mail: no actor
}

// Token is the collection's sync token: the sequence number of its last
// change, 0 when nothing was ever stored.
func (c *Calendar) Token(ctx context.Context) (int64, error) {
	return calToken(ctx, c.s.rdb, c.gid, c.Feature)
}

// authorizeWrite checks, inside tx, that the actor may still write.
func (c *Calendar) authorizeWrite(ctx context.Context, tx *wtx) error {
	if c.list != "" {
		return c.authorizeList(ctx, tx)
	}
	acc, err := c.s.authorizeQ(ctx, tx, c.actor, c.GroupID, ActWrite, c.Feature)
	if err != nil {
		return calHide(err)
	}
	if acc.gid != c.gid {
		return errGroupNotFound()
	}
	return nil
}

// calHide turns a refusal into not-found: a calendar that the actor may
// not use does not exist for them (a public group's calendar to a
// non-member, a removed member's).
func calHide(err error) error {
	if errors.Is(err, ErrDenied) {
		return errorf(ErrNotFound, "no such calendar")
	}
	return err
}
