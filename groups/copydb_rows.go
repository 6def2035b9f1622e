package groups

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// copyTables copies every table's rows in one PostgreSQL transaction,
// with the tables' own triggers off (the calendar change log must be
// copied, not written anew) and what the migrations seeded removed
// first; then identity columns are set to continue after the copied ids.
func (c *copier) copyTables(ctx context.Context, tables []copyTable) error {
	tx, err := c.dst.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, t := range tables {
		if _, err := tx.ExecContext(ctx, `ALTER TABLE `+quoteIdent(t.name)+` DISABLE TRIGGER USER`); err != nil {
			return err
		}
	}
	for i := len(tables) - 1; i >= 0; i-- {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+quoteIdent(tables[i].name)); err != nil {
			return err
		}
	}
	for _, t := range tables {
		n, err := c.copyRows(ctx, tx, t)
		if err != nil {
			return fmt.Errorf("table %s: %w", t.name, err)
		}
		c.rep.Tables = append(c.rep.Tables, TableCopy{Name: t.name, Rows: n})
	}
	for _, t := range tables {
		if _, err := tx.ExecContext(ctx, `ALTER TABLE `+quoteIdent(t.name)+` ENABLE TRIGGER USER`); err != nil {
			return err
		}
	}
	if err := c.continueIdentities(ctx, tx); err != nil {
		return err
	}
	return tx.Commit()
}

func (c *copier) copyRows(ctx context.Context, tx *sqlTx, t copyTable) (int64, error) {
	rows, err := c.stx.QueryContext(ctx, `SELECT `+columnList(t)+` FROM `+quoteIdent(t.name))
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(t.cols)), ", ")
	ins, err := tx.Tx.PrepareContext(ctx, tx.d.bind(`INSERT INTO `+quoteIdent(t.name)+` (`+columnList(t)+`) VALUES (`+marks+`)`))
	if err != nil {
		return 0, err
	}
	defer ins.Close()
	var n int64
	vals, ptrs := scanSlots(len(t.cols))
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return n, err
		}
		args, err := convertRow(vals, t.types)
		if err != nil {
			return n, err
		}
		if _, err := ins.ExecContext(ctx, args...); err != nil {
			return n, err
		}
		n++
	}
	return n, rows.Err()
}

func scanSlots(n int) ([]any, []any) {
	vals, ptrs := make([]any, n), make([]any, n)
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	return vals, ptrs
}

// convertRow gives each SQLite value the Go type of its PostgreSQL
// column: SQLite keeps a value's own type whatever the column says.
func convertRow(vals []any, types []string) ([]any, error) {
	out := make([]any, len(vals))
	for i, v := range vals {
		var err error
		if out[i], err = convertValue(v, types[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func convertValue(v any, typ string) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch typ {
	case "bigint", "integer", "smallint":
		switch x := v.(type) {
		case int64:
			return x, nil
		case float64:
			return int64(x), nil
		case string:
			return strconv.ParseInt(x, 10, 64)
		case []byte:
			return strconv.ParseInt(string(x), 10, 64)
		}
	case "text", "character varying":
		switch x := v.(type) {
		case string:
			return x, nil
		case []byte:
			return string(x), nil
		case int64:
			return strconv.FormatInt(x, 10), nil
		}
	case "bytea":
		switch x := v.(type) {
		case []byte:
			return x, nil
		case string:
			return []byte(x), nil
		}
	default:
		return v, nil
	}
	return nil, fmt.Errorf("a %T value for a %s column", v, typ)
}

// continueIdentities sets each identity column's sequence past the
// highest id copied and past the highest that SQLite's AUTOINCREMENT
// ever handed out (sqlite_sequence), so that no id is used twice.
func (c *copier) continueIdentities(ctx context.Context, tx *sqlTx) error {
	rows, err := tx.QueryContext(ctx, `SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND is_identity = 'YES'`)
	if err != nil {
		return err
	}
	var idents [][2]string
	for rows.Next() {
		var t, col string
		if err := rows.Scan(&t, &col); err != nil {
			rows.Close()
			return err
		}
		idents = append(idents, [2]string{t, col})
	}
	rows.Close()
	for _, id := range idents {
		var top int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(`+quoteIdent(id[1])+`), 0) FROM `+quoteIdent(id[0])).Scan(&top); err != nil {
			return err
		}
		var seq int64
		c.stx.QueryRowContext(ctx, `SELECT seq FROM sqlite_sequence WHERE name = ?`, id[0]).Scan(&seq) // none: 0
		if _, err := tx.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence(?, ?), ?, false)`,
			id[0], id[1], max(top, seq)+1); err != nil {
			return err
		}
	}
	return nil
}
