package groups

import (
	"context"
	"strings"
)

// Person is a user as a people picker shows them, and someone a notice
// names (notice.go).
type Person struct {
	Email string `json:"email"`
	Name  string `json:"name"`
}

// People returns up to limit (default 10, at most 50) of the
// organisation's internal users whose name or address starts with q
// (case-insensitive), for people pickers. Only internal users and admins
// may look: the directory is the organisation's, and an external (guest)
// user sees none of it (ErrDenied).
func (s *Store) People(ctx context.Context, a Actor, q string, limit int) ([]Person, error) {
	if !a.Admin && !s.IsInternal(a.Email) {
		return nil, errorf(ErrDenied, "guests of the organisation cannot look up its people")
	}
	if limit <= 0 || limit > 50 {
		limit = 10
	}
	q = strings.ToLower(strings.TrimSpace(q))
	if q == "" {
		return []Person{}, nil
	}
	if err := checkText("q", q, 1, MaxNameChars); err != nil {
		return nil, err
	}
	// Names are matched case-insensitively by lower(), which folds ASCII
	// alone on both databases (SQLite's; PostgreSQL's under the column's
	// COLLATE "C"); other scripts match as typed, which is what Hangul
	// needs.
	upper := s.d.afterPrefix(q)
	rows, err := s.rdb.QueryContext(ctx, `SELECT email, name FROM users
		WHERE (email >= ? AND email < ?) OR (lower(name) >= ? AND lower(name) < ?)
		ORDER BY name, email LIMIT ?`, q, upper, q, upper, limit*4)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Person{}
	for rows.Next() && len(out) < limit {
		var p Person
		if err := rows.Scan(&p.Email, &p.Name); err != nil {
			return nil, err
		}
		if s.IsInternal(p.Email) {
			out = append(out, p)
		}
	}
	return out, rows.Err()
}
