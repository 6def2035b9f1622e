package groups

import (
	"context"
	"embed"
	"fmt"
	"sort"
	"strings"
)

// The migrations of each dialect, numbered in lockstep: the n-th file of
// either brings the schema to version n. SQLite's are in migrations/,
// PostgreSQL's in migrations/postgres/.
//
//go:embed migrations/*.sql migrations/postgres/*.sql
var migrationsFS embed.FS

func migrationDir(d *dialect) string {
	if d.pg {
		return "migrations/postgres"
	}
	return "migrations"
}

// migrationFiles lists the dialect's embedded migrations in order; the
// n-th file (1-based) brings the schema to version n.
func migrationFiles(d *dialect) []string {
	entries, err := migrationsFS.ReadDir(migrationDir(d))
	if err != nil {
		panic(err) // embedded: cannot fail
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".sql") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names
}

// migrate brings the database to schema version target in one
// transaction: either every pending migration applies or none does. The
// version is SQLite's PRAGMA user_version, or PostgreSQL's groupd_schema
// row, read under an advisory lock.
func migrate(ctx context.Context, db *sqlDB, target int) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	version, err := schemaVersion(ctx, tx)
	if err != nil {
		return err
	}
	files := migrationFiles(db.d)
	if version > len(files) {
		return fmt.Errorf("groups: database schema version %d is newer than this groupd (%d)", version, len(files))
	}
	for i := version; i < target; i++ {
		body, err := migrationsFS.ReadFile(migrationDir(db.d) + "/" + files[i])
		if err != nil {
			return err
		}
		// Run as written: no placeholders to rebind.
		if _, err := tx.Tx.ExecContext(ctx, string(body)); err != nil {
			return fmt.Errorf("groups: migration %s: %w", files[i], err)
		}
	}
	if target > version {
		if err := setSchemaVersion(ctx, tx, target); err != nil {
			return err
		}
	}
	return tx.Commit()
}

func schemaVersion(ctx context.Context, tx *sqlTx) (int, error) {
	if tx.d.pg {
		return pgVersion(ctx, tx)
	}
	var v int
	err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v)
	return v, err
}

func setSchemaVersion(ctx context.Context, tx *sqlTx, v int) error {
	if tx.d.pg {
		return pgSetVersion(ctx, tx, v)
	}
	_, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", v))
	return err
}
