package groups

import (
	"context"
	"strconv"
)

// CalChange is one entry of a sync-collection answer (RFC 6578 §3.5).
type CalChange struct {
	Name    string
	Deleted bool
}

// MaxCalChanges bounds one Changes answer; past it the client is told to
// start over (RFC 6578 §3.6 allows truncation; we answer with the error).
const MaxCalChanges = 100000

// Changes lists the resources changed or deleted after sync token since
// (0: every live object, no tombstones), and the new token. A token from
// the future is ErrInvalid (RFC 6578 §3.2 valid-sync-token).
func (c *Calendar) Changes(ctx context.Context, since int64) ([]CalChange, int64, error) {
	tx, err := c.s.rdb.readTx(ctx)
	if err != nil {
		return nil, 0, err
	}
	defer tx.Rollback()
	var global int64
	if err := tx.QueryRowContext(ctx, `SELECT n FROM cal_seq WHERE one = 1`).Scan(&global); err != nil {
		return nil, 0, err
	}
	if since < 0 || since > global {
		return nil, 0, errorf(ErrInvalid, "unknown sync token %s", strconv.FormatInt(since, 10))
	}
	token, err := calToken(ctx, tx, c.gid, c.Feature)
	if err != nil {
		return nil, 0, err
	}
	cond := `seq > ?`
	if since == 0 {
		cond = `seq > ? AND deleted = 0`
	}
	rows, err := tx.QueryContext(ctx, `SELECT name, deleted FROM cal_changes
		WHERE gid = ? AND feature = ? AND `+cond+` ORDER BY seq LIMIT ?`, c.gid, c.Feature, since, MaxCalChanges+1)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []CalChange
	for rows.Next() {
		var ch CalChange
		if err := rows.Scan(&ch.Name, &ch.Deleted); err != nil {
			return nil, 0, err
		}
		out = append(out, ch)
	}
	if len(out) > MaxCalChanges {
		return nil, 0, errorf(ErrTooLarge, "too many changes; sync again from the start")
	}
	return out, token, rows.Err()
}

// Collection properties a user may set by PROPPATCH, kept per user.
const (
	CalPropDisplayName = "displayname"
	CalPropColor       = "calendar-color"
	CalPropOrder       = "calendar-order"
)

// MaxCalPropBytes bounds one property value.
const MaxCalPropBytes = 1024

// Props returns the actor's own collection properties.
func (c *Calendar) Props(ctx context.Context) (map[string]string, error) {
	rows, err := c.s.rdb.QueryContext(ctx, `SELECT p.name, p.value FROM cal_props p JOIN users u ON u.uid = p.uid
		WHERE u.email = ? AND p.gid = ? AND p.feature = ?`, c.actor.Email, c.gid, c.Feature)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, err
		}
		out[k] = v
	}
	return out, rows.Err()
}

// SetProps sets (value non-nil) or removes (nil) the actor's own
// collection properties, all or none. Any member may; the group's data is
// not changed.
func (c *Calendar) SetProps(ctx context.Context, set map[string]*string) error {
	for k, v := range set {
		if k != CalPropDisplayName && k != CalPropColor && k != CalPropOrder {
			return errorf(ErrDenied, "the property %s cannot be changed", k)
		}
		if v != nil && len(*v) > MaxCalPropBytes {
			return errorf(ErrTooLarge, "a property value is at most %d bytes", MaxCalPropBytes)
		}
	}
	return c.s.write(ctx, func(tx *wtx) error {
		acc, err := c.s.authorizeQ(ctx, tx, c.actor, c.GroupID, ActRead, c.Feature)
		if err != nil {
			return calHide(err)
		}
		if acc.Role == "" || acc.gid != c.gid {
			return errGroupNotFound()
		}
		var uid int64
		if err := tx.QueryRowContext(ctx, `SELECT uid FROM users WHERE email = ?`, c.actor.Email).Scan(&uid); err != nil {
			return err
		}
		for k, v := range set {
			if v == nil {
				_, err = tx.ExecContext(ctx, `DELETE FROM cal_props WHERE uid = ? AND gid = ? AND feature = ? AND name = ?`, uid, c.gid, c.Feature, k)
			} else {
				_, err = tx.ExecContext(ctx, `INSERT INTO cal_props (uid, gid, feature, name, value) VALUES (?, ?, ?, ?, ?)
					ON CONFLICT (uid, gid, feature, name) DO UPDATE SET value = excluded.value`, uid, c.gid, c.Feature, k, *v)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
}
