package groups

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// copyTable is a table as copy-db sees it: the target's columns with
// their PostgreSQL types, which the source must have too.
type copyTable struct {
	name  string
	cols  []string
	types []string // information_schema data_type, per column
}

// notCopied are the target's own tables: its schema version and the
// postgres BlobStore (filled from the blob directory, not from a table).
var notCopied = []string{"groupd_schema", "blobs", "blob_chunks"}

// tables lists the tables to copy, parents before the tables that refer
// to them, and checks that both databases have the same tables and
// columns.
func (c *copier) tables(ctx context.Context) ([]copyTable, error) {
	byName, err := c.targetColumns(ctx)
	if err != nil {
		return nil, err
	}
	srcNames, err := queryStrings(ctx, c.stx, `SELECT name FROM sqlite_master
		WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		return nil, err
	}
	if len(srcNames) != len(byName) {
		return nil, fmt.Errorf("the SQLite database has %d tables, the PostgreSQL schema %d: are both at the same schema version?", len(srcNames), len(byName))
	}
	for _, n := range srcNames {
		t, ok := byName[n]
		if !ok {
			return nil, fmt.Errorf("table %s of the SQLite database has no counterpart on PostgreSQL", n)
		}
		src, err := queryStrings(ctx, c.stx, `SELECT name FROM pragma_table_info(?) ORDER BY name`, n)
		if err != nil {
			return nil, err
		}
		dst := slices.Sorted(slices.Values(t.cols))
		if !slices.Equal(src, dst) {
			return nil, fmt.Errorf("table %s: columns %v on SQLite, %v on PostgreSQL", n, src, dst)
		}
	}
	return c.fkOrder(ctx, byName)
}

func (c *copier) targetColumns(ctx context.Context) (map[string]*copyTable, error) {
	rows, err := c.dst.rdb.QueryContext(ctx, `SELECT table_name, column_name, data_type
		FROM information_schema.columns WHERE table_schema = current_schema()
		ORDER BY table_name, ordinal_position`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]*copyTable{}
	for rows.Next() {
		var tn, cn, ty string
		if err := rows.Scan(&tn, &cn, &ty); err != nil {
			return nil, err
		}
		if slices.Contains(notCopied, tn) {
			continue
		}
		t := out[tn]
		if t == nil {
			t = &copyTable{name: tn}
			out[tn] = t
		}
		t.cols, t.types = append(t.cols, cn), append(t.types, ty)
	}
	return out, rows.Err()
}

// fkOrder sorts the tables so that every table comes after those its
// foreign keys refer to.
func (c *copier) fkOrder(ctx context.Context, byName map[string]*copyTable) ([]copyTable, error) {
	rows, err := c.dst.rdb.QueryContext(ctx, `SELECT conrelid::regclass::text, confrelid::regclass::text
		FROM pg_constraint WHERE contype = 'f' AND connamespace = current_schema()::regnamespace`)
	if err != nil {
		return nil, err
	}
	deps := map[string][]string{}
	for rows.Next() {
		var child, parent string
		if err := rows.Scan(&child, &parent); err != nil {
			rows.Close()
			return nil, err
		}
		if child != parent {
			deps[child] = append(deps[child], parent)
		}
	}
	rows.Close()
	var out []copyTable
	done := map[string]bool{}
	var visit func(n string)
	visit = func(n string) {
		if done[n] || byName[n] == nil {
			return
		}
		done[n] = true
		for _, p := range deps[n] {
			visit(p)
		}
		out = append(out, *byName[n])
	}
	for _, n := range slices.Sorted(maps.Keys(byName)) {
		visit(n)
	}
	return out, rows.Err()
}

func queryStrings(ctx context.Context, q querier, query string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// quoteIdent quotes a column or table name for both databases.
func quoteIdent(n string) string { return `"` + strings.ReplaceAll(n, `"`, `""`) + `"` }

func columnList(t copyTable) string {
	q := make([]string, len(t.cols))
	for i, c := range t.cols {
		q[i] = quoteIdent(c)
	}
	return strings.Join(q, ", ")
}
