package groups

import (
	"context"
	"database/sql"
	"os"
	"testing"

	"groupd/internal/testdb"
)

// openRaw opens the database of o without migrating it.
func openRaw(t *testing.T, o Options) *sqlDB {
	t.Helper()
	if err := o.fill(); err != nil {
		t.Fatal(err)
	}
	d := newDialect(o.Driver)
	var db *sqlDB
	var err error
	if d.pg {
		db, _, _, err = openPostgres(o, d)
	} else {
		db, err = openDB(o, true)
	}
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// dbVersion reads the schema version of db.
func dbVersion(t *testing.T, db *sqlDB) int {
	t.Helper()
	tx, err := db.BeginTx(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	v, err := schemaVersion(context.Background(), tx)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestUpgradeFromSchemaV1 builds a database at schema version 1 with data
// in it, then opens it with the current code: every migration applies, in
// one transaction, and the data survives. It runs on both backends.
func TestUpgradeFromSchemaV1(t *testing.T) {
	o := testOptions(t)
	db := openRaw(t, o)
	if err := migrate(context.Background(), db, 1); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO users (email, name, pw_hash, created_at, updated_at) VALUES ('old@example.test', 'Old', 'x', 0, 0)`,
		`INSERT INTO groups (id, name, name_fold, list_address, created_at, updated_at) VALUES ('legacy', 'Legacy', 'legacy', 'legacy@lists.example.test', 0, 0)`,
		`INSERT INTO memberships (gid, uid, role) VALUES (1, 1, 'master')`,
		`INSERT INTO list_addresses (gid, kind, address) VALUES (1, 'external', 'p@other.example')`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	_, err := db.Exec(`INSERT INTO groups (id, name, name_fold, list_address, created_at, updated_at)
		VALUES ('korean', '우리 테스트 그룹', ?, 'korean@lists.example.test', 0, 0)`, fold("우리 테스트 그룹"))
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	s, err := Open(o)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if version := dbVersion(t, s.wdb); version != len(migrationFiles(s.d)) || version < 2 {
		t.Fatalf("schema version %d, want %d", version, len(migrationFiles(s.d)))
	}
	idxQuery := `SELECT name FROM sqlite_master WHERE name = 'list_addresses_address'`
	if s.d.pg {
		idxQuery = `SELECT indexname FROM pg_indexes WHERE indexname = 'list_addresses_address'`
	}
	var idx string
	if err := s.rdb.QueryRow(idxQuery).Scan(&idx); err != nil {
		t.Fatalf("migration 2 not applied: %v", err)
	}
	g, err := s.GetGroup(context.Background(), user("old@example.test"), "legacy")
	if err != nil || g.Masters[0] != "old@example.test" || g.MailingList.ExternalMembers[0] != "p@other.example" {
		t.Fatalf("data lost in upgrade: %+v %v", g, err)
	}
	// Migration 0011 gave the old groups their search terms.
	if got, want := storedTerms(t, s, 2), searchTerms("우리 테스트 그룹", "korean@lists.example.test"); !sameSet(got, want) {
		t.Errorf("old group's search terms: %q, want %q", got, want)
	}
	for q, want := range map[string]string{"legacy": "legacy", "테스트": "korean", "그룹": "korean", "korean@": "korean"} {
		got, err := s.ListGroups(context.Background(), admin, ListQuery{Q: q})
		if err != nil || len(got) != 1 || got[0].ID != want {
			t.Errorf("search %q after the upgrade: %v %v, want %s", q, ids(got), err, want)
		}
	}
}

// TestFailedMigrationChangesNothing: a migration that fails leaves the
// database at its old version with nothing half-applied. Both backends.
func TestFailedMigrationChangesNothing(t *testing.T) {
	db := openRaw(t, testOptions(t))
	defer db.Close()
	if err := migrate(context.Background(), db, 1); err != nil {
		t.Fatal(err)
	}
	// Make migration 2 fail: its index name is taken.
	if _, err := db.Exec(`CREATE TABLE list_addresses_address (x INTEGER)`); err != nil {
		t.Fatal(err)
	}
	if err := migrate(context.Background(), db, len(migrationFiles(db.d))); err == nil {
		t.Fatal("migration should fail")
	}
	if version := dbVersion(t, db); version != 1 {
		t.Fatalf("version %d after failed migration", version)
	}
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM users`).Scan(&n); err != nil && err != sql.ErrNoRows {
		t.Fatal(err)
	}
}

// TestMigrationsInLockstep: each dialect has the same number of
// migrations, with the same names.
func TestMigrationsInLockstep(t *testing.T) {
	a, b := migrationFiles(newDialect(DriverSQLite)), migrationFiles(newDialect(DriverPostgres))
	if len(a) != len(b) {
		t.Fatalf("%d SQLite migrations, %d PostgreSQL migrations", len(a), len(b))
	}
	for i := range a {
		if a[i] != b[i] {
			t.Errorf("migration %d: %s on SQLite, %s on PostgreSQL", i+1, a[i], b[i])
		}
	}
}

// TestPragmas: SQLite's connection settings. SQLite only (PRAGMAs).
func TestPragmas(t *testing.T) {
	s, err := Open(dbOptions(testdb.SQLite(t)))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var mode string
	var fk, timeout int
	s.wdb.QueryRow(`PRAGMA journal_mode`).Scan(&mode)
	s.wdb.QueryRow(`PRAGMA foreign_keys`).Scan(&fk)
	s.rdb.QueryRow(`PRAGMA busy_timeout`).Scan(&timeout)
	if mode != "wal" || fk != 1 || timeout != 5000 {
		t.Fatalf("journal_mode %q foreign_keys %d busy_timeout %d", mode, fk, timeout)
	}
}

// TestDatabaseFilesPrivate: the SQLite file and its WAL are 0600. SQLite
// only (PostgreSQL's files are the server's).
func TestDatabaseFilesPrivate(t *testing.T) {
	s, err := Open(dbOptions(testdb.SQLite(t)))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, suffix := range []string{"", "-wal"} {
		fi, err := os.Stat(s.opts.Path + suffix)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s mode %v, want 0600", s.opts.Path+suffix, fi.Mode().Perm())
		}
	}
}
