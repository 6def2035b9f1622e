package groups

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// Advisory lock keys (pg_advisory_xact_lock) of the PostgreSQL backend.
const (
	// pgWriteLock serialises the store's write transactions across every
	// node on the database: see beginWritePG.
	pgWriteLock int64 = 0x67726f75706401 // "group" 1
	// pgMigrateLock serialises migrations: two nodes starting at once.
	pgMigrateLock int64 = 0x67726f75706402
	// pgSweepLock: one node at a time sweeps blobs (sweepLocked).
	pgSweepLock int64 = 0x67726f75706415 // 15: not to clash with other work in flight
)

// openPostgres opens the writer and the readers of the PostgreSQL
// database at o.DSN, and gives its connection settings (for the change
// feed's listener). Nothing of SQLite's (PRAGMAs, file modes) applies.
func openPostgres(o Options, d *dialect) (w, r *sqlDB, cfg *pgx.ConnConfig, err error) {
	cfg, err = pgxParse(o.DSN)
	if err != nil {
		return nil, nil, nil, err
	}
	// A statement waits for a lock as long as SQLite's busy timeout.
	cfg.RuntimeParams["lock_timeout"] = strconv.FormatInt(o.BusyTimeout.Milliseconds(), 10)
	w, r = &sqlDB{DB: stdlib.OpenDB(*cfg), d: d}, &sqlDB{DB: stdlib.OpenDB(*cfg), d: d}
	// One writer connection per node, as on SQLite: writes queue on the
	// pool here and on the advisory lock across nodes.
	w.SetMaxOpenConns(1)
	r.SetMaxOpenConns(16)
	r.SetMaxIdleConns(16)
	for _, db := range []*sqlDB{w, r} {
		if err := db.Ping(); err != nil {
			w.Close()
			r.Close()
			return nil, nil, nil, fmt.Errorf("groups: open PostgreSQL database: %w", err)
		}
	}
	return w, r, cfg, nil
}

// pgxParse parses a DSN; its error never quotes it (the parser's own
// message may, password and all).
func pgxParse(dsn string) (*pgx.ConnConfig, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, errors.New("groups: Options.DSN is not a PostgreSQL connection string")
	}
	return cfg, nil
}

// beginWritePG begins a write transaction on PostgreSQL and takes the
// one write lock (pg_advisory_xact_lock(pgWriteLock), released at commit
// or rollback), so that write transactions run one at a time across
// every node, exactly as on SQLite, and every check-then-act rule of the
// store stays correct. Finer locks are a later step. READ COMMITTED is
// right here: each statement after the lock sees every write committed
// before it was granted (a REPEATABLE READ snapshot would be older).
func (s *Store) beginWritePG(ctx context.Context) (*sqlTx, error) {
	tx, err := s.wdb.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(?)`, pgWriteLock); err != nil {
		tx.Rollback()
		return nil, fmt.Errorf("groups: write lock: %w", err)
	}
	return tx, nil
}

// errPgBackup is Backup's answer on PostgreSQL.
var errPgBackup = errors.New("groups: backup: the database is PostgreSQL: back it up with pg_dump " +
	"(for example pg_dump -Fc -f groupd.dump DBNAME) and copy the blob directory")

// pgVersion reads the schema version, kept in the one-row table
// groupd_schema (created here), under the migration lock: a second node
// starting at once waits, then finds the schema current.
func pgVersion(ctx context.Context, tx *sqlTx) (int, error) {
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(?)`, pgMigrateLock); err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS groupd_schema (
		one INTEGER PRIMARY KEY CHECK (one = 1), version BIGINT NOT NULL)`); err != nil {
		return 0, err
	}
	var v int
	err := tx.QueryRowContext(ctx, `SELECT version FROM groupd_schema WHERE one = 1`).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return v, err
}

func pgSetVersion(ctx context.Context, tx *sqlTx, v int) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO groupd_schema (one, version) VALUES (1, ?)
		ON CONFLICT (one) DO UPDATE SET version = excluded.version`, v)
	return err
}
