package groups

import (
	"context"
	"database/sql"
	"strings"
)

// sqlDB is a database handle whose statements pass through the dialect
// (placeholders rebound, arguments adapted): the store writes every
// statement once, with ?.
type sqlDB struct {
	*sql.DB
	d *dialect
}

func (x *sqlDB) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return x.DB.ExecContext(ctx, x.d.bind(q), x.d.args(args)...)
}

func (x *sqlDB) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return x.DB.QueryContext(ctx, x.d.bind(q), x.d.args(args)...)
}

func (x *sqlDB) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return x.DB.QueryRowContext(ctx, x.d.bind(q), x.d.args(args)...)
}

func (x *sqlDB) Exec(q string, args ...any) (sql.Result, error) {
	return x.ExecContext(context.Background(), q, args...)
}

func (x *sqlDB) Query(q string, args ...any) (*sql.Rows, error) {
	return x.QueryContext(context.Background(), q, args...)
}

func (x *sqlDB) QueryRow(q string, args ...any) *sql.Row {
	return x.QueryRowContext(context.Background(), q, args...)
}

// BeginTx starts a transaction whose statements pass through the dialect.
func (x *sqlDB) BeginTx(ctx context.Context, opts *sql.TxOptions) (*sqlTx, error) {
	tx, err := x.DB.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &sqlTx{Tx: tx, d: x.d}, nil
}

// readTx starts a read transaction that sees one snapshot throughout:
// SQLite's read transactions do; PostgreSQL's need REPEATABLE READ.
func (x *sqlDB) readTx(ctx context.Context) (*sqlTx, error) {
	var opts *sql.TxOptions
	if x.d.pg {
		opts = &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	}
	return x.BeginTx(ctx, opts)
}

// sqlTx is a transaction whose statements pass through the dialect.
type sqlTx struct {
	*sql.Tx
	d *dialect
}

func (x *sqlTx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return x.Tx.ExecContext(ctx, x.d.bind(q), x.d.args(args)...)
}

func (x *sqlTx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return x.Tx.QueryContext(ctx, x.d.bind(q), x.d.args(args)...)
}

func (x *sqlTx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return x.Tx.QueryRowContext(ctx, x.d.bind(q), x.d.args(args)...)
}

func (x *sqlTx) Exec(q string, args ...any) (sql.Result, error) {
	return x.ExecContext(context.Background(), q, args...)
}

func (x *sqlTx) QueryRow(q string, args ...any) *sql.Row {
	return x.QueryRowContext(context.Background(), q, args...)
}

// isUnique reports whether err violates a UNIQUE or PRIMARY KEY constraint.
func (x *sqlTx) isUnique(err error) bool { return x.d.isUnique(err) }

// marks is n comma-separated placeholders.
func marks(n int) string { return "?" + strings.Repeat(", ?", n-1) }

func int64Args(xs []int64) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}
