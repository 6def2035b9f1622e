// Package testdb gives each test a fresh, empty database for the store:
// an SQLite file under the test's temporary directory by default, or,
// when the environment variable GROUPD_TEST_POSTGRES holds the DSN of a
// PostgreSQL server on which that user may CREATE DATABASE, a new
// database there (CREATE DATABASE … TEMPLATE template0), dropped when the
// test ends. Every test that opens a groups.Store takes its database from
// here, so that the suite runs on either backend. It does not import
// groups (whose own tests use it).
package testdb

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the PostgreSQL driver, registered as "pgx"
	_ "github.com/mattn/go-sqlite3"    // the SQLite driver, registered as "sqlite3"
)

// Env is the variable that selects PostgreSQL.
const Env = "GROUPD_TEST_POSTGRES"

// DB names a fresh database: the fields of groups.Options with the same
// names.
type DB struct {
	Driver  string // "sqlite" or "postgres"
	DSN     string // PostgreSQL: the new database; "" with SQLite
	Path    string // a file path under the test's temporary directory
	BlobDir string // beside Path
}

// Postgres reports whether the tests run on PostgreSQL.
func Postgres() bool { return os.Getenv(Env) != "" }

// New returns a fresh database for t, removed when t ends.
func New(t testing.TB) DB {
	t.Helper()
	dir := t.TempDir()
	db := DB{Driver: "sqlite", Path: filepath.Join(dir, "groupd.db"), BlobDir: filepath.Join(dir, "blobs")}
	if !Postgres() {
		return db
	}
	db.Driver = "postgres"
	db.DSN = createDatabase(t)
	return db
}

var byKey sync.Map // key -> DB

// For is New, once per key (a daemon's data directory, say): every call
// with the same key returns the same database, so that a daemon started
// again on that directory finds its data.
func For(t testing.TB, key string) DB {
	t.Helper()
	if db, ok := byKey.Load(key); ok {
		return db.(DB)
	}
	db, _ := byKey.LoadOrStore(key, New(t))
	return db.(DB)
}

// SQLite returns a fresh SQLite database for a test that is inherently
// about SQLite (its file, its crash safety, its backup), whatever Env
// says.
func SQLite(t testing.TB) DB {
	t.Helper()
	dir := t.TempDir()
	return DB{Driver: "sqlite", Path: filepath.Join(dir, "groupd.db"), BlobDir: filepath.Join(dir, "blobs")}
}

var admin struct {
	once sync.Once
	db   *sql.DB
	err  error
}

// adminDB is one connection pool to the server named by Env, for
// creating and dropping the tests' databases.
func adminDB(t testing.TB) *sql.DB {
	admin.once.Do(func() {
		admin.db, admin.err = sql.Open("pgx", os.Getenv(Env))
		if admin.err == nil {
			admin.db.SetMaxOpenConns(4)
			admin.err = admin.db.Ping()
		}
	})
	if admin.err != nil {
		t.Fatalf("testdb: %s: %v", Env, admin.err)
	}
	return admin.db
}

func createDatabase(t testing.TB) string {
	t.Helper()
	db := adminDB(t)
	raw := make([]byte, 8)
	rand.Read(raw)
	name := "gtest_" + hex.EncodeToString(raw)
	if _, err := db.Exec(`CREATE DATABASE ` + name + ` TEMPLATE template0 ENCODING 'UTF8'`); err != nil {
		t.Fatalf("testdb: create database: %v", err)
	}
	t.Cleanup(func() {
		if _, err := db.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`); err != nil {
			t.Errorf("testdb: drop database %s: %v", name, err)
		}
	})
	return WithDBName(os.Getenv(Env), name)
}

// WithDBName returns dsn (a URL or key=value pairs) naming database name.
func WithDBName(dsn, name string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err == nil {
			u.Path = "/" + name
			return u.String()
		}
	}
	return dsn + " dbname=" + name
}

// SQL opens a connection pool of its own to db, for a test that reads or
// changes the database beside the store; closed when t ends. Write its
// statements with ? and pass them through Q.
func (db DB) SQL(t testing.TB) *sql.DB {
	t.Helper()
	driver, dsn := "sqlite3", "file:"+db.Path+"?_busy_timeout=5000&_foreign_keys=on"
	if db.Driver == "postgres" {
		driver, dsn = "pgx", db.DSN
	}
	c, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// Q rewrites the ? placeholders of a statement for db's driver ($1, $2…
// on PostgreSQL). None may be inside a literal.
func (db DB) Q(q string) string {
	if db.Driver != "postgres" {
		return q
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
