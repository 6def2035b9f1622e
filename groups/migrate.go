package groups

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"sort"
)

//go:embed migrations/*.sql
var migrationsFS embed.FS

// migrationFiles lists the embedded migrations in order; the n-th file
// (1-based) brings the schema to user_version n.
func migrationFiles() []string {
	entries, err := migrationsFS.ReadDir("migrations")
	if err != nil {
		panic(err) // embedded: cannot fail
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names
}

// migrate brings the database to schema version target in one
// transaction: either every pending migration applies or none does.
func migrate(ctx context.Context, db *sql.DB, target int) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var version int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return err
	}
	files := migrationFiles()
	if version > len(files) {
		return fmt.Errorf("groups: database schema version %d is newer than this groupd (%d)", version, len(files))
	}
	for i := version; i < target; i++ {
		body, err := migrationsFS.ReadFile("migrations/" + files[i])
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			return fmt.Errorf("groups: migration %s: %w", files[i], err)
		}
	}
	if target > version {
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", target)); err != nil {
			return err
		}
	}
	return tx.Commit()
}
