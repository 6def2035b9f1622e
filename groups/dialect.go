package groups

import (
	"errors"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/mattn/go-sqlite3"
)

// Drivers that Options.Driver names.
const (
	DriverSQLite   = "sqlite"
	DriverPostgres = "postgres"
)

// dialect is the seam between the store and its database: everything that
// differs between SQLite and PostgreSQL and nothing else. The store writes
// its statements once, with ? placeholders; the dialect rebinds them,
// recognises a unique violation, and gives the few fragments of SQL whose
// text must differ.
type dialect struct {
	pg    bool
	binds sync.Map     // statement text with ? -> text with $n (PostgreSQL)
	stmts atomic.Int64 // statements run so far: each is a round trip on PostgreSQL (tests count them)
}

func newDialect(driver string) *dialect { return &dialect{pg: driver == DriverPostgres} }

// bind rewrites the ? placeholders of query for the driver: unchanged on
// SQLite, $1…$n on PostgreSQL, computed once per statement text. A ?
// inside a quoted literal or identifier is left alone.
func (d *dialect) bind(query string) string {
	d.stmts.Add(1)
	if !d.pg || !strings.Contains(query, "?") {
		return query
	}
	if q, ok := d.binds.Load(query); ok {
		return q.(string)
	}
	q := rebind(query)
	d.binds.Store(query, q)
	return q
}

func rebind(query string) string {
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	var quote byte
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			// ?NNN names parameter NNN; a bare ? is the one after the
			// highest so far (SQLite's rule).
			j := i + 1
			for j < len(query) && '0' <= query[j] && query[j] <= '9' {
				j++
			}
			if k, err := strconv.Atoi(query[i+1 : j]); err == nil {
				n = max(n, k)
				b.WriteString("$" + query[i+1:j])
			} else {
				n++
				b.WriteString("$" + strconv.Itoa(n))
			}
			i = j - 1
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// args adapts the arguments of a statement: PostgreSQL stores the flags
// as 0/1 integers, as SQLite does, so a Go bool (or *bool) is passed as
// 0 or 1 (a nil *bool as NULL).
func (d *dialect) args(args []any) []any {
	if !d.pg {
		return args
	}
	var out []any
	for i, a := range args {
		var v any
		switch b := a.(type) {
		case bool:
			v = boolInt(b)
		case *bool:
			if b != nil {
				v = boolInt(*b)
			}
		default:
			continue
		}
		if out == nil {
			out = append([]any(nil), args...)
		}
		out[i] = v
	}
	if out == nil {
		return args
	}
	return out
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// isUnique reports whether err is a violation of a UNIQUE or PRIMARY KEY
// constraint.
func (d *dialect) isUnique(err error) bool {
	if err == nil {
		return false
	}
	if d.pg {
		var pe *pgconn.PgError
		return errors.As(err, &pe) && pe.Code == "23505"
	}
	var se sqlite3.Error
	return errors.As(err, &se) && se.Code == sqlite3.ErrConstraint &&
		(se.ExtendedCode == sqlite3.ErrConstraintUnique || se.ExtendedCode == sqlite3.ErrConstraintPrimaryKey)
}

// contains is the SQL condition "the blob (or text) hay contains needle",
// both SQL expressions.
func (d *dialect) contains(hay, needle string) string {
	if d.pg {
		return "position(" + needle + " in " + hay + ") > 0"
	}
	return "instr(" + hay + ", " + needle + ") > 0"
}

// headerCut is the SQL for the header of message m.data: up to and with
// the first CRLFCRLF (or LFLF), or all of it.
func (d *dialect) headerCut() string {
	crlf2, lf2 := `X'0D0A0D0A'`, `X'0A0A'`
	pos := func(needle string) string { return "instr(m.data, " + needle + ")" }
	if d.pg {
		crlf2, lf2 = `'\x0d0a0d0a'::bytea`, `'\x0a0a'::bytea`
		pos = func(needle string) string { return "position(" + needle + " in m.data)" }
	}
	return `CASE WHEN ` + pos(crlf2) + ` > 0 THEN substr(m.data, 1, ` + pos(crlf2) + ` + 3)
		WHEN ` + pos(lf2) + ` > 0 THEN substr(m.data, 1, ` + pos(lf2) + ` + 1) ELSE m.data END`
}

// afterPrefix is a string above every string that starts with p, for an
// index range (col >= p AND col < afterPrefix(p)). SQLite compares any
// bytes: p followed by 0xFF, which no UTF-8 text holds. PostgreSQL
// accepts only valid UTF-8: p followed by the last code point, U+10FFFF,
// which no text that groupd stores contains.
func (d *dialect) afterPrefix(p string) string {
	if d.pg {
		return p + "\U0010FFFF"
	}
	return p + "\xff"
}

// subtree is the package's subtree with the upper bound of the root's
// subtree valid for the database.
func (d *dialect) subtree(p string) (lo, hi string) {
	lo, hi = subtree(p)
	if p == "" {
		hi = d.afterPrefix("")
	}
	return lo, hi
}

// noIndex is column col in a condition that the planner must not answer
// from an index on it: SQLite's unary + (PostgreSQL's planner takes no
// such hint, and its + applies to numbers only).
func (d *dialect) noIndex(col string) string {
	if d.pg {
		return col
	}
	return "+" + col
}

// jsonArray is the aggregate of the text column col's values as a JSON
// array, as text, in the order the rows come (a post's bundle of
// recipients, mail_bundle.go).
func (d *dialect) jsonArray(col string) string {
	if d.pg {
		return "json_agg(" + col + ")::text"
	}
	return "json_group_array(" + col + ")"
}

// jsonElements is a FROM item of the strings of the JSON array in text
// column col, one row each: value, and key (the position, for ORDER BY).
func (d *dialect) jsonElements(col string) string {
	if d.pg {
		return "json_array_elements_text(" + col + "::json) WITH ORDINALITY AS j(value, key)"
	}
	return "json_each(" + col + ") AS j"
}
