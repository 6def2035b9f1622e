package groups

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"

	_ "github.com/mattn/go-sqlite3" // the SQLite driver, registered as "sqlite3"
)

// openSQLite opens the writer and the readers of the SQLite database at
// o.Path, creating the file (mode 0600) if needed.
func openSQLite(o Options, d *dialect) (w, r *sqlDB, err error) {
	// The database holds password hashes: readable by groupd alone. SQLite
	// gives its -wal and -shm files the main file's mode.
	f, err := os.OpenFile(o.Path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("groups: create %s: %w", o.Path, err)
	}
	f.Close()
	if w, err = openDB(o, true); err != nil {
		return nil, nil, err
	}
	if r, err = openDB(o, false); err != nil {
		w.Close()
		return nil, nil, err
	}
	w.d, r.d = d, d
	return w, r, nil
}

func openDB(o Options, writer bool) (*sqlDB, error) {
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_foreign_keys", "on")
	q.Set("_busy_timeout", fmt.Sprint(o.BusyTimeout.Milliseconds()))
	q.Set("_synchronous", "FULL")
	// Deleted rows are overwritten with zeros, not left in free pages
	// (purges, group deletions: see forget in purge.go).
	q.Set("_secure_delete", "on")
	// Each connection keeps its prepared statements: the mail path runs
	// the same few statements for every post, and preparing them again
	// cost more than running them. (The driver's cache serves Exec and
	// Query with their SQL, not an explicit Prepare: run statements
	// directly.)
	q.Set("_stmt_cache_size", "128")
	if writer {
		q.Set("_txlock", "immediate")
	} else {
		q.Set("mode", "rw")
	}
	db, err := sql.Open("sqlite3", "file:"+o.Path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("groups: open %s: %w", o.Path, err)
	}
	if writer {
		db.SetMaxOpenConns(1)
	} else {
		db.SetMaxOpenConns(8)
	}
	db.SetMaxIdleConns(8)
	db.SetConnMaxIdleTime(0)
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, fmt.Errorf("groups: open %s: %w", o.Path, err)
	}
	return &sqlDB{DB: db, d: newDialect(DriverSQLite)}, nil
}

// beginWrite begins a write transaction: on SQLite, BEGIN IMMEDIATE on
// the one writer connection (the driver's _txlock), so writes queue on
// the pool and on SQLite's lock; on PostgreSQL, see beginWritePG.
func (s *Store) beginWrite(ctx context.Context) (*sqlTx, error) {
	if s.d.pg {
		return s.beginWritePG(ctx)
	}
	return s.wdb.BeginTx(ctx, nil)
}
