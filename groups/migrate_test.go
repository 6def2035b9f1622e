package groups

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"
)

// TestUpgradeFromSchemaV1 builds a database at schema version 1 with data
// in it, then opens it with the current code: every migration applies, in
// one transaction, and the data survives.
func TestUpgradeFromSchemaV1(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	o := Options{Path: path, MailDomains: []string{"lists.example.test"}, InternalDomains: []string{"example.test"}}
	o.fill()
	db, err := openDB(o, true)
	if err != nil {
		t.Fatal(err)
	}
	if err := migrate(context.Background(), db, 1); err != nil {
		t.Fatal(err)
	}
	_, err = db.Exec(`INSERT INTO users (email, name, pw_hash, created_at, updated_at) VALUES ('old@example.test', 'Old', 'x', 0, 0);
		INSERT INTO groups (id, name, name_fold, list_address, created_at, updated_at) VALUES ('legacy', 'Legacy', 'legacy', 'legacy@lists.example.test', 0, 0);
		INSERT INTO memberships (gid, uid, role) VALUES (1, 1, 'master');
		INSERT INTO list_addresses (gid, kind, address) VALUES (1, 'external', 'p@other.example')`)
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.Exec(`INSERT INTO groups (id, name, name_fold, list_address, created_at, updated_at)
		VALUES ('korean', '우리 테스트 그룹', ?, 'korean@lists.example.test', 0, 0)`, fold("우리 테스트 그룹"))
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	s, err := Open(Options{Path: path, MailDomains: []string{"lists.example.test"}, InternalDomains: []string{"example.test"}, HashParams: cheap()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var version int
	s.rdb.QueryRow(`PRAGMA user_version`).Scan(&version)
	if version != len(migrationFiles()) || version < 2 {
		t.Fatalf("schema version %d, want %d", version, len(migrationFiles()))
	}
	var idx string
	if err := s.rdb.QueryRow(`SELECT name FROM sqlite_master WHERE name = 'list_addresses_address'`).Scan(&idx); err != nil {
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
// database at its old version with nothing half-applied.
func TestFailedMigrationChangesNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "db")
	o := Options{Path: path, MailDomains: []string{"l.example"}, InternalDomains: []string{"example.test"}}
	o.fill()
	db, err := openDB(o, true)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := migrate(context.Background(), db, 1); err != nil {
		t.Fatal(err)
	}
	// Make migration 2 fail: its index name is taken.
	if _, err := db.Exec(`CREATE TABLE list_addresses_address (x)`); err != nil {
		t.Fatal(err)
	}
	if err := migrate(context.Background(), db, len(migrationFiles())); err == nil {
		t.Fatal("migration should fail")
	}
	var version int
	db.QueryRow(`PRAGMA user_version`).Scan(&version)
	if version != 1 {
		t.Fatalf("version %d after failed migration", version)
	}
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM users`).Scan(&n); err != nil && err != sql.ErrNoRows {
		t.Fatal(err)
	}
}

func TestPragmas(t *testing.T) {
	s := newStore(t)
	var mode string
	var fk, timeout int
	s.wdb.QueryRow(`PRAGMA journal_mode`).Scan(&mode)
	s.wdb.QueryRow(`PRAGMA foreign_keys`).Scan(&fk)
	s.rdb.QueryRow(`PRAGMA busy_timeout`).Scan(&timeout)
	if mode != "wal" || fk != 1 || timeout != 5000 {
		t.Fatalf("journal_mode %q foreign_keys %d busy_timeout %d", mode, fk, timeout)
	}
}

func TestDatabaseFilesPrivate(t *testing.T) {
	s := newStore(t)
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
