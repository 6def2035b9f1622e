package groups

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// CopyReport is what CopyDatabase copied and verified.
type CopyReport struct {
	Tables    []TableCopy // in the order copied
	Blobs     int         // blobs copied into the postgres BlobStore
	BlobBytes int64
}

// TableCopy is one table's rows, counted and checksummed on both sides.
type TableCopy struct {
	Name string
	Rows int64
}

// CopyDatabase copies the SQLite store that from names (its database and,
// when to's BlobStore is postgres, the blobs its folder entries reference)
// into the empty PostgreSQL database that to names, then verifies it:
// every table's row count and a checksum of all its rows (archived
// messages included) on both sides, and the SHA-256 of every blob read
// back. It refuses a target that holds any table. The source must be
// stopped: the copy holds its write lock throughout, so a running daemon
// would stall. Identity columns continue after the copied ids (and after
// any id SQLite's AUTOINCREMENT already handed out). Errors never quote
// to.DSN.
func CopyDatabase(ctx context.Context, from, to Options) (*CopyReport, error) {
	if from.Driver != "" && from.Driver != DriverSQLite || to.Driver != DriverPostgres {
		return nil, errors.New("groups: copy: from SQLite to PostgreSQL only")
	}
	if err := checkEmptyTarget(ctx, to.DSN); err != nil {
		return nil, err
	}
	src, err := Open(from)
	if err != nil {
		return nil, fmt.Errorf("groups: copy: open the SQLite database: %w", err)
	}
	defer src.Close()
	dst, err := Open(to)
	if err != nil {
		return nil, fmt.Errorf("groups: copy: create the schema on PostgreSQL: %w", err)
	}
	defer dst.Close()
	// The source's write lock, held to the end: one consistent snapshot,
	// and no writer meanwhile.
	stx, err := src.beginWrite(ctx)
	if err != nil {
		return nil, fmt.Errorf("groups: copy: lock the SQLite database (is groupd still running?): %w", err)
	}
	defer stx.Rollback()
	c := &copier{src: src, dst: dst, stx: stx, rep: &CopyReport{}}
	if err := c.run(ctx); err != nil {
		return nil, fmt.Errorf("groups: copy: %w", err)
	}
	return c.rep, nil
}

type copier struct {
	src, dst *Store
	stx      *sqlTx
	rep      *CopyReport
	blobSums map[string]string // blob -> SHA-256 of its source file
}

func (c *copier) run(ctx context.Context) error {
	tables, err := c.tables(ctx)
	if err != nil {
		return err
	}
	if c.dst.opts.Blobs == BlobsPostgres {
		if err := c.copyBlobs(ctx); err != nil {
			return err
		}
	}
	if err := c.copyTables(ctx, tables); err != nil {
		return err
	}
	if err := c.verifyTables(ctx, tables); err != nil {
		return err
	}
	return c.verifyBlobs(ctx)
}

// checkEmptyTarget refuses a database that holds any table in its schema.
func checkEmptyTarget(ctx context.Context, dsn string) error {
	db, err := openPlainPG(dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() ORDER BY table_name`)
	if err != nil {
		return fmt.Errorf("groups: copy: read the target database: %w", err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return err
		}
		names = append(names, n)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(names) > 0 {
		return fmt.Errorf("groups: copy: the target database is not empty: it holds %d tables (%s); "+
			"copy-db fills an empty database only: create a new one (createdb) and name it in -to",
			len(names), strings.Join(names[:min(len(names), 5)], ", "))
	}
	return nil
}
