package groups

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"time"
)

// CalObject is one calendar object resource (RFC 4791 §4.1).
type CalObject struct {
	Name     string // resource name in the collection, e.g. "abc.ics"
	UID      string // the iCalendar UID
	ETag     string // quoted, as in an ETag header
	Size     int64
	Modified time.Time
	Data     string // the iCalendar text; "" when listed without data
}

// CalPut is a PUT of one object.
type CalPut struct {
	Name string
	UID  string
	Data string
	// First and Last bound the object's instances (unix seconds) for
	// calendar-query candidates; use math.MinInt64/MaxInt64 when unknown.
	First, Last int64
	// IfMatch: the ETag (quoted) the client expects; "*" any existing.
	IfMatch string
	// IfNoneMatch "*": only create.
	IfNoneMatch string
}

// Limits of calendar objects.
const (
	MaxCalNameBytes = 255
	MaxCalUIDBytes  = 1024
)

// CheckCalName checks a resource name: one path segment, no "..", no
// slash or control character, at most MaxCalNameBytes.
func CheckCalName(name string) error {
	if name == "" || name == "." || name == ".." || len(name) > MaxCalNameBytes ||
		strings.ContainsAny(name, "/\\") || strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return errorf(ErrInvalid, "a calendar object name is one path segment of 1 to %d bytes", MaxCalNameBytes)
	}
	return nil
}

func calETag(data string) string {
	h := sha256.Sum256([]byte(data))
	return `"` + hex.EncodeToString(h[:12]) + `"`
}

// calCols are the columns scanCalObject reads without the data; with it,
// calDataCols (the size is then the data's length).
const (
	calCols     = `name, uid, etag, octet_length(data), modified` // bytes, not characters
	calDataCols = `name, uid, etag, modified, data`
)

func scanCalObject(r scanner, withData bool) (*CalObject, error) {
	o := &CalObject{}
	var m int64
	dest := []any{&o.Name, &o.UID, &o.ETag, &o.Size, &m}
	if withData {
		dest = append(dest[:3], &m, &o.Data) // the size is the data's
	}
	if err := r.Scan(dest...); err != nil {
		return nil, err
	}
	if withData {
		o.Size = int64(len(o.Data))
	}
	o.Modified = unixTime(m)
	return o, nil
}

// Get returns the object with its data.
func (c *Calendar) Get(ctx context.Context, name string) (*CalObject, error) {
	o, err := scanCalObject(c.s.rdb.QueryRowContext(ctx, `SELECT `+calDataCols+` FROM cal_objects
		WHERE gid = ? AND feature = ? AND name = ?`, c.gid, c.Feature, name), true)
	if errors.Is(err, errNoRows) {
		return nil, errorf(ErrNotFound, "no such calendar object")
	}
	return o, err
}

// List lists the objects without their data, by name.
func (c *Calendar) List(ctx context.Context) ([]*CalObject, error) {
	return c.query(ctx, false, `WHERE gid = ? AND feature = ? ORDER BY name`, c.gid, c.Feature)
}

// Candidates lists, with their data, the objects whose span meets
// [from, to) (unix seconds): a superset of those with an instance there.
func (c *Calendar) Candidates(ctx context.Context, from, to int64) ([]*CalObject, error) {
	return c.query(ctx, true, `WHERE gid = ? AND feature = ? AND t_first < ? AND t_last >= ? ORDER BY name`,
		c.gid, c.Feature, to, from)
}

// GetMany returns the named objects that exist, with their data.
func (c *Calendar) GetMany(ctx context.Context, names []string) ([]*CalObject, error) {
	var out []*CalObject
	for len(names) > 0 {
		n := min(len(names), 200)
		args := []any{c.gid, c.Feature}
		for _, x := range names[:n] {
			args = append(args, x)
		}
		got, err := c.query(ctx, true, `WHERE gid = ? AND feature = ? AND name IN (?`+strings.Repeat(",?", n-1)+`)`, args...)
		if err != nil {
			return nil, err
		}
		out = append(out, got...)
		names = names[n:]
	}
	return out, nil
}

func (c *Calendar) query(ctx context.Context, withData bool, where string, args ...any) ([]*CalObject, error) {
	cols := calCols
	if withData {
		cols = calDataCols
	}
	rows, err := c.s.rdb.QueryContext(ctx, `SELECT `+cols+` FROM cal_objects `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*CalObject
	for rows.Next() {
		o, err := scanCalObject(rows, withData)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// NameOfUID returns the name of the object with the iCalendar UID uid,
// "" when there is none.
func (c *Calendar) NameOfUID(ctx context.Context, uid string) (string, error) {
	var name string
	err := c.s.rdb.QueryRowContext(ctx, `SELECT name FROM cal_objects WHERE gid = ? AND feature = ? AND uid = ?`,
		c.gid, c.Feature, uid).Scan(&name)
	if errors.Is(err, errNoRows) {
		return "", nil
	}
	return name, err
}
