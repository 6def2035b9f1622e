package groups

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"unicode"
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
	Q      string // prefix of a word of the name or of the list address; literal text
	Limit  int    // default 50, at most 500
	Offset int
}

// ListGroups lists the groups actor may see in the view, by name. An admin
// sees every group in "all" and "manage"; an external (guest) user's
// "all" is the groups they belong to. With Q, it lists the groups where
// a word of the name or the list address starts with Q, or, in Hangul
// and CJK, any part of the name (case-insensitive, literal text: see
// search_terms.go), ordered by the term that matched.
func (s *Store) ListGroups(ctx context.Context, a Actor, lq ListQuery) ([]Summary, error) {
	uid, err := s.actorUID(ctx, a)
	if err != nil {
		return nil, err
	}
	var vis string
	mine := false // only the actor's own groups: start from their memberships
	switch lq.View {
	case "", ViewAll:
		vis = "(g.public = 1 OR m.role IS NOT NULL)"
		if a.Admin {
			vis = "1 = 1"
		} else if !s.IsInternal(a.Email) {
			// A guest sees only their own groups, not the
			// organisation's directory (SPEC §1 Visibility).
			vis, mine = "m.role IS NOT NULL", true
		}
	case ViewBelong:
		vis, mine = "m.role IS NOT NULL", true
	case ViewManage:
		vis, mine = "m.role = 'master'", true
		if a.Admin {
			vis, mine = "1 = 1", false
		}
	default:
		return nil, errorf(ErrInvalid, "view must be all, belong or manage, not %q", lq.View)
	}
	limit, offset := clampLimit(lq.Limit), max(lq.Offset, 0)
	if lq.Q != "" {
		if err := checkText("q", lq.Q, 1, MaxNameChars); err != nil {
			return nil, err
		}
		return s.search(ctx, uid, vis, mine, lq.Q, limit, offset)
	}
	from := `FROM groups g LEFT JOIN memberships m ON m.gid = g.gid AND m.uid = ?`
	if mine {
		from = `FROM memberships m JOIN groups g ON g.gid = m.gid AND m.uid = ?`
	}
	query := `SELECT g.id, g.name, g.description, g.public, g.list_address, COALESCE(m.role, '') ` + from +
		` WHERE ` + vis + ` ORDER BY g.name_fold, g.id LIMIT ? OFFSET ?`
	return scanSummaries(s.rdb.QueryContext(ctx, query, uid, limit, offset))
}

// search walks the search terms (search_terms.go) in order from the
// folded query, an index seek, skips the groups the actor may not see,
// and stops reading once it holds limit+offset distinct groups. A group
// that several terms match counts once, at its first (smallest) term, so
// groups come ordered by the term that matched, then by creation; the
// cost is bounded by the rows read, not by how many groups match. The
// rows are read a page at a time (keyset on term, gid): SQLite steps
// lazily, but PostgreSQL sends a statement's whole result, and a
// one-letter prefix matches every group.
func (s *Store) search(ctx context.Context, uid int64, vis string, mine bool, q string, limit, offset int) ([]Summary, error) {
	p := fold(strings.TrimLeftFunc(q, unicode.IsSpace))
	if p == "" {
		return []Summary{}, nil
	}
	w := &termWalk{seen: map[int64]bool{}, out: []Summary{}, want: limit + offset, offset: offset,
		page: termPage(limit + offset), term: p}
	for {
		n, err := w.next(ctx, s, uid, vis, mine, s.d.afterPrefix(p))
		if err != nil || n < w.page || len(w.seen) >= w.want {
			return w.out, err
		}
		// The page held terms of groups already seen (a group's several
		// words that match): read on in bigger pages, so that the
		// statements stay few.
		w.page = max(w.page, min(2*w.page, maxTermPage))
	}
}

// termPage is how many term rows a statement of a search reads: about
// half as many again as the groups it wants (a group's several words may
// match; groups the actor may not see take no rows, the statement leaves
// them out), rounded up to a power of two, at least 16; each later page
// of the same search is twice the one before, up to maxTermPage. The
// page is written into the statement as a literal (next), from this
// small set of values: PostgreSQL then
// plans the statement once and keeps the plan, where a LIMIT that is a
// parameter made it plan each execution anew (0.3 ms, more than the
// execution) because a generic plan could not know the page was small.
func termPage(want int) int {
	p := 16
	for p < want+want/2 {
		p *= 2
	}
	return p
}

// maxTermPage bounds the growth of a search's later pages (search).
const maxTermPage = 1024

// termWalk is a search's place in the terms it walks.
type termWalk struct {
	seen         map[int64]bool
	out          []Summary
	want, offset int
	page         int    // rows read per statement
	term         string // the last row read (term, gid); gid 0 before the first
	gid          int64
}

// next reads the next page of terms from w's place up to end, and says
// how many rows it read.
func (w *termWalk) next(ctx context.Context, s *Store, uid int64, vis string, mine bool, end string) (int, error) {
	// Among the actor's own groups, an inner join lets the plan start
	// from their few memberships rather than from every matching term.
	join := "LEFT JOIN"
	if mine {
		join = "JOIN"
	}
	// Every string starting with the query sorts at or after it and
	// before end, so the range is an index seek.
	rows, err := s.rdb.QueryContext(ctx, `SELECT t.term, t.gid, g.id, g.name, g.description, g.public, g.list_address,
		COALESCE(m.role, '') FROM group_terms t JOIN groups g ON g.gid = t.gid
		`+join+` memberships m ON m.gid = t.gid AND m.uid = ?
		WHERE (t.term, t.gid) > (?, ?) AND t.term < ? AND `+vis+`
		ORDER BY t.term, t.gid LIMIT `+strconv.Itoa(w.page), uid, w.term, w.gid, end)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for len(w.seen) < w.want && rows.Next() {
		n++
		var x Summary
		if err := rows.Scan(&w.term, &w.gid, &x.ID, &x.Name, &x.Description, &x.Public, &x.Address, &x.Role); err != nil {
			return n, err
		}
		if w.seen[w.gid] {
			continue
		}
		w.seen[w.gid] = true
		if len(w.seen) > w.offset {
			w.out = append(w.out, x)
		}
	}
	return n, rows.Err()
}

// Autocomplete returns up to limit (default 10) groups that q finds as
// a search does, under the visibility rules of the "all" view.
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
	if a.uid != 0 { // a request's actor, from its login: its account was just read
		return a.uid, nil
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
