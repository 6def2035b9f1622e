package groups

import (
	"context"
	"database/sql"
	"errors"
	"strings"
)

// Views of the group list (SPEC §1).
const (
	ViewAll    = "all"    // public groups plus the actor's own
	ViewBelong = "belong" // groups the actor is a member of
	ViewManage = "manage" // groups the actor is a master of
)

// ListQuery selects groups for ListGroups.
type ListQuery struct {
	View   string // all (default), belong, manage
	Q      string // prefix of the name or the list address; literal text
	Limit  int    // default 50, at most 500
	Offset int
}

// ListGroups lists the groups actor may see in the view, by name. An admin
// sees every group in "all" and "manage".
func (s *Store) ListGroups(ctx context.Context, a Actor, lq ListQuery) ([]Summary, error) {
	uid, err := s.actorUID(ctx, a)
	if err != nil {
		return nil, err
	}
	var where []string
	args := []any{uid}
	switch lq.View {
	case "", ViewAll:
		if !a.Admin {
			where = append(where, `(g.public = 1 OR m.role IS NOT NULL)`)
		}
	case ViewBelong:
		where = append(where, `m.role IS NOT NULL`)
	case ViewManage:
		if !a.Admin {
			where = append(where, `m.role = 'master'`)
		}
	default:
		return nil, errorf(ErrInvalid, "view must be all, belong or manage, not %q", lq.View)
	}
	if lq.Q != "" {
		if err := checkText("q", lq.Q, 1, MaxNameChars); err != nil {
			return nil, err
		}
		p := fold(lq.Q)
		where = append(where, `((g.name_fold >= ? AND g.name_fold < ?) OR (g.list_address >= ? AND g.list_address < ?))`)
		args = append(args, p, p+"\xff", p, p+"\xff")
	}
	query := `SELECT g.id, g.name, g.description, g.public, g.list_address, COALESCE(m.role, '')
		FROM groups g LEFT JOIN memberships m ON m.gid = g.gid AND m.uid = ?`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += ` ORDER BY g.name_fold, g.id LIMIT ? OFFSET ?`
	args = append(args, clampLimit(lq.Limit), max(lq.Offset, 0))
	return scanSummaries(s.rdb.QueryContext(ctx, query, args...))
}

// Autocomplete returns up to limit (default 10) groups whose name or list
// address starts with q, under the visibility rules of the "all" view.
func (s *Store) Autocomplete(ctx context.Context, a Actor, q string, limit int) ([]Summary, error) {
	if limit <= 0 || limit > 50 {
		limit = 10
	}
	if strings.TrimSpace(q) == "" {
		return []Summary{}, nil
	}
	return s.ListGroups(ctx, a, ListQuery{View: ViewAll, Q: q, Limit: limit})
}

// actorUID is the actor's user row id, or 0 for the admin token.
func (s *Store) actorUID(ctx context.Context, a Actor) (int64, error) {
	if a.Email == "" {
		if a.Admin {
			return 0, nil
		}
		return 0, errorf(ErrUnauthenticated, "log in first")
	}
	var uid int64
	err := s.rdb.QueryRowContext(ctx, `SELECT uid FROM users WHERE email = ?`, a.Email).Scan(&uid)
	if errors.Is(err, errNoRows) {
		return 0, errorf(ErrUnauthenticated, "no account %s", a.Email)
	}
	return uid, err
}

func scanSummaries(rows *sql.Rows, err error) ([]Summary, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Summary{}
	for rows.Next() {
		var x Summary
		if err := rows.Scan(&x.ID, &x.Name, &x.Description, &x.Public, &x.Address, &x.Role); err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}
