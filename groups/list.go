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
// sees every group in "all" and "manage"; an external (guest) user's
// "all" is the groups they belong to. With Q, it lists the groups whose
// name or list address starts with Q (case-insensitive, literal text),
// ordered by the name or address that matched.
func (s *Store) ListGroups(ctx context.Context, a Actor, lq ListQuery) ([]Summary, error) {
	uid, err := s.actorUID(ctx, a)
	if err != nil {
		return nil, err
	}
	var vis string
	switch lq.View {
	case "", ViewAll:
		vis = "(g.public = 1 OR m.role IS NOT NULL)"
		if a.Admin {
			vis = "1 = 1"
		} else if !s.IsInternal(a.Email) {
			// A guest sees only their own groups, not the
			// organisation's directory (SPEC §1 Visibility).
			vis = "m.role IS NOT NULL"
		}
	case ViewBelong:
		vis = "m.role IS NOT NULL"
	case ViewManage:
		vis = "m.role = 'master'"
		if a.Admin {
			vis = "1 = 1"
		}
	default:
		return nil, errorf(ErrInvalid, "view must be all, belong or manage, not %q", lq.View)
	}
	limit, offset := clampLimit(lq.Limit), max(lq.Offset, 0)
	if lq.Q != "" {
		if err := checkText("q", lq.Q, 1, MaxNameChars); err != nil {
			return nil, err
		}
		return scanSummaries(s.rdb.QueryContext(ctx, searchSQL(vis), searchArgs(uid, fold(lq.Q), limit, offset)...))
	}
	from := `FROM groups g LEFT JOIN memberships m ON m.gid = g.gid AND m.uid = ?`
	if lq.View == ViewBelong || (lq.View == ViewManage && !a.Admin) {
		from = `FROM memberships m JOIN groups g ON g.gid = m.gid AND m.uid = ?`
	}
	query := `SELECT g.id, g.name, g.description, g.public, g.list_address, COALESCE(m.role, '') ` + from +
		` WHERE ` + vis + ` ORDER BY g.name_fold, g.id LIMIT ? OFFSET ?`
	return scanSummaries(s.rdb.QueryContext(ctx, query, uid, limit, offset))
}

// searchSQL finds prefix matches as two streams that each walk an index
// in order and stop after limit+offset visible rows: names and addresses.
// The first K of their union by matching term are exactly the first K of
// all matches, so only those few rows are merged and sorted.
func searchSQL(vis string) string {
	stream := func(col string) string {
		return `SELECT * FROM (SELECT g.gid AS gid, ` + col + ` AS term, COALESCE(m.role, '') AS role
			FROM groups g LEFT JOIN memberships m ON m.gid = g.gid AND m.uid = ?
			WHERE ` + col + ` >= ? AND ` + col + ` < ? AND ` + vis + `
			ORDER BY ` + col + `, g.id LIMIT ?) AS s_` + col[2:]
	}
	return `SELECT g.id, g.name, g.description, g.public, g.list_address, MIN(t.role)
		FROM (` + stream("g.name_fold") + ` UNION ALL ` + stream("g.list_address") + `) AS t
		JOIN groups g ON g.gid = t.gid
		GROUP BY g.gid, g.id, g.name, g.description, g.public, g.list_address
		ORDER BY MIN(t.term), g.id LIMIT ? OFFSET ?`
}

func searchArgs(uid int64, p string, limit, offset int) []any {
	// Every string starting with p sorts at or after p and before p+0xFF
	// (no UTF-8 byte is 0xFF), so the range is an index seek.
	upper := p + "\xff"
	k := limit + offset
	return []any{uid, p, upper, k, uid, p, upper, k, limit, offset}
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
