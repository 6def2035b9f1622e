package groups

import (
	"context"
	"errors"
	"strings"
)

// Put stores an object, creating it or replacing the one of that name. It
// reports whether it was created. ErrConflict for a failed If-Match or
// If-None-Match (precondition), ErrInvalid for a bad name or UID, and a
// *CalUIDConflict for a UID already used by another object of the
// collection (RFC 4791 §5.3.2.1 no-uid-conflict).
func (c *Calendar) Put(ctx context.Context, p CalPut) (*CalObject, bool, error) {
	if err := CheckCalName(p.Name); err != nil {
		return nil, false, err
	}
	if p.UID == "" || len(p.UID) > MaxCalUIDBytes {
		return nil, false, errorf(ErrInvalid, "a calendar object needs a UID of at most %d bytes", MaxCalUIDBytes)
	}
	var out *CalObject
	var created bool
	err := c.s.write(ctx, func(tx *wtx) error {
		if err := c.authorizeWrite(ctx, tx); err != nil {
			return err
		}
		var oldETag, oldUID string
		err := tx.QueryRowContext(ctx, `SELECT etag, uid FROM cal_objects WHERE gid = ? AND feature = ? AND name = ?`,
			c.gid, c.Feature, p.Name).Scan(&oldETag, &oldUID)
		exists := err == nil
		if err != nil && !errors.Is(err, errNoRows) {
			return err
		}
		if err := checkConditions(exists, oldETag, p.IfMatch, p.IfNoneMatch); err != nil {
			return err
		}
		var other string
		err = tx.QueryRowContext(ctx, `SELECT name FROM cal_objects WHERE gid = ? AND feature = ? AND uid = ? AND name <> ?`,
			c.gid, c.Feature, p.UID, p.Name).Scan(&other)
		if err == nil {
			return &CalUIDConflict{Name: other}
		}
		if !errors.Is(err, errNoRows) {
			return err
		}
		etag := calETag(p.Data)
		if exists {
			_, err = tx.ExecContext(ctx, `UPDATE cal_objects SET uid = ?, etag = ?, data = ?, modified = ?, t_first = ?, t_last = ?
				WHERE gid = ? AND feature = ? AND name = ?`, p.UID, etag, p.Data, tx.unix(), p.First, p.Last, c.gid, c.Feature, p.Name)
		} else {
			_, err = tx.ExecContext(ctx, `INSERT INTO cal_objects (gid, feature, name, uid, etag, data, modified, t_first, t_last)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, c.gid, c.Feature, p.Name, p.UID, etag, p.Data, tx.unix(), p.First, p.Last)
		}
		if err != nil {
			return err
		}
		created = !exists
		out = &CalObject{Name: p.Name, UID: p.UID, ETag: etag, Size: int64(len(p.Data)), Modified: unixTime(tx.unix()), Data: p.Data}
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	return out, created, nil
}

// Delete removes an object; ifMatch, when set, must be its ETag (or "*").
func (c *Calendar) Delete(ctx context.Context, name, ifMatch string) error {
	return c.DeleteIf(ctx, name, ifMatch, "")
}

// DeleteIf is Delete with If-None-Match too (RFC 9110 §13.1.2): when it
// names the object's ETag or is "*", nothing is deleted and the error is
// a precondition failure.
func (c *Calendar) DeleteIf(ctx context.Context, name, ifMatch, ifNoneMatch string) error {
	return c.s.write(ctx, func(tx *wtx) error {
		if err := c.authorizeWrite(ctx, tx); err != nil {
			return err
		}
		var etag string
		err := tx.QueryRowContext(ctx, `SELECT etag FROM cal_objects WHERE gid = ? AND feature = ? AND name = ?`,
			c.gid, c.Feature, name).Scan(&etag)
		if errors.Is(err, errNoRows) {
			return errorf(ErrNotFound, "no such calendar object")
		}
		if err != nil {
			return err
		}
		if err := checkConditions(true, etag, ifMatch, ifNoneMatch); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM cal_objects WHERE gid = ? AND feature = ? AND name = ?`, c.gid, c.Feature, name)
		return err
	})
}

// CalUIDConflict is the error of a PUT whose UID another object of the
// collection already has. It wraps ErrConflict.
type CalUIDConflict struct {
	Name string // the resource name that holds the UID
}

func (e *CalUIDConflict) Error() string {
	return "another calendar object (" + e.Name + ") already has this UID"
}
func (e *CalUIDConflict) Unwrap() error { return ErrConflict }

// ErrPrecondition is the sentence of a failed If-Match / If-None-Match;
// errors.Is(err, ErrConflict) holds for it too.
var errPrecondition = &Error{Kind: ErrConflict, Msg: "precondition failed: the object changed or exists"}

// IsPrecondition reports whether err is a failed If-Match/If-None-Match.
func IsPrecondition(err error) bool { return err == errPrecondition }

// checkConditions evaluates If-Match and If-None-Match (RFC 9110 §13.1.1,
// §13.1.2) against the current state.
func checkConditions(exists bool, etag, ifMatch, ifNoneMatch string) error {
	if ifMatch != "" && (!exists || (ifMatch != "*" && !etagListHas(ifMatch, etag))) {
		return errPrecondition
	}
	if ifNoneMatch != "" && exists && (ifNoneMatch == "*" || etagListHas(ifNoneMatch, etag)) {
		return errPrecondition
	}
	return nil
}

// ETagMatches reports whether an If-Match / If-None-Match list names
// etag (quoted), "*" included; weak tags compare by their opaque part.
func ETagMatches(list, etag string) bool { return etagListHas(list, etag) }

func etagListHas(list, etag string) bool {
	for len(list) > 0 {
		var item string
		item, list, _ = strings.Cut(list, ",")
		item = strings.TrimSpace(item)
		if len(item) > 2 && item[:2] == "W/" {
			item = item[2:]
		}
		if item == etag || item == "*" {
			return true
		}
	}
	return false
}
