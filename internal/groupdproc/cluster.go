package groupdproc

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	_ "github.com/jackc/pgx/v5/stdlib" // the PostgreSQL driver, "pgx"
	_ "github.com/mattn/go-sqlite3"    // the SQLite driver, "sqlite3"

	"groupd/internal/testdb"
)

// Backend says where the benchmarked daemons keep their store: SQLite in
// the data_dir of one daemon, or a fresh database on a PostgreSQL server
// shared by Nodes daemons (bench/*.sh pass DB, GROUPD_BENCH_POSTGRES and
// NODES as the flags BackendFlags registers).
type Backend struct {
	DB    string // "sqlite" or "postgres"
	Admin string // PostgreSQL: a DSN whose user may CREATE DATABASE
	Nodes int    // daemons on the one database (PostgreSQL only past 1)
}

// BackendFlags registers -db, -dsn and -nodes on fs.
func BackendFlags(fs *flag.FlagSet) *Backend {
	b := &Backend{}
	fs.StringVar(&b.DB, "db", "sqlite", `the store: "sqlite" or "postgres"`)
	fs.StringVar(&b.Admin, "dsn", "", "postgres: the server (a user who may CREATE DATABASE); each run gets a fresh database there")
	fs.IntVar(&b.Nodes, "nodes", 1, "postgres: daemons on the one database, each with its own data_dir, ports and node_id")
	return b
}

// Label names the backend in reports: "sqlite", "postgres", "postgres x2".
func (b Backend) Label() string {
	if b.Nodes > 1 {
		return fmt.Sprintf("%s x%d", b.DB, b.Nodes)
	}
	return b.DB
}

// Cluster is the daemons of one run and their store.
type Cluster struct {
	Nodes []*Proc
	DSN   string // PostgreSQL: the run's own database; "" on SQLite
	root  string
	admin *sql.DB // PostgreSQL: to drop the database at Close
	name  string
}

// New makes the run's empty store under root (SQLite: node a's data_dir;
// PostgreSQL: a new database), before any daemon starts, so that a
// fixture can be loaded into it first.
func (b Backend) New(root string) (*Cluster, error) {
	c := &Cluster{root: root}
	switch {
	case b.DB == "sqlite" && b.Nodes <= 1:
		return c, nil
	case b.DB == "sqlite":
		return nil, errors.New("-nodes above 1 needs -db postgres: SQLite serves one daemon")
	case b.DB != "postgres" || b.Admin == "":
		return nil, fmt.Errorf("-db %q: want sqlite, or postgres with -dsn", b.DB)
	}
	admin, err := sql.Open("pgx", b.Admin)
	if err != nil {
		return nil, err
	}
	raw := make([]byte, 6)
	rand.Read(raw)
	c.admin, c.name = admin, "groupd_bench_"+hex.EncodeToString(raw)
	if _, err := admin.Exec(`CREATE DATABASE ` + c.name + ` TEMPLATE template0 ENCODING 'UTF8'`); err != nil {
		admin.Close()
		return nil, fmt.Errorf("create database: %w", err)
	}
	c.DSN = testdb.WithDBName(b.Admin, c.name)
	return c, nil
}

// Start runs n daemons with o on the cluster's store, one after another
// (the first migrates the schema), each in root/<a|b|...> with its own
// data_dir, free ports and, on PostgreSQL, node_id "node-<letter>".
func (c *Cluster) Start(o Options, n int) error {
	for i := range max(n, 1) {
		name := string(rune('a' + i))
		o := o
		o.Root = filepath.Join(c.root, name)
		if err := os.MkdirAll(o.Root, 0o700); err != nil {
			return err
		}
		if c.DSN != "" {
			o.DSN, o.Database = c.DSN, fmt.Sprintf("node_id = %q\n", "node-"+name)
		}
		p, err := Start(o)
		if err != nil {
			return fmt.Errorf("node %s: %w", name, err)
		}
		c.Nodes = append(c.Nodes, p)
	}
	return nil
}

// Run is New then Start with b.Nodes daemons: the run's daemons on an
// empty store.
func (b Backend) Run(root string, o Options) (*Cluster, error) {
	c, err := b.New(root)
	if err != nil {
		return nil, err
	}
	if err := c.Start(o, b.Nodes); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// Node is node i modulo their number: callers alternate with Node(i).
func (c *Cluster) Node(i int) *Proc { return c.Nodes[i%len(c.Nodes)] }

// SQLitePath is the SQLite database of node a (unused on PostgreSQL).
func (c *Cluster) SQLitePath() string { return filepath.Join(c.root, "a", "data", "groupd.db") }

// Observe opens the store read-only where the driver allows, for a bench
// that watches progress (a fan-out's sent rows) beside the daemons.
func (c *Cluster) Observe() (*sql.DB, error) {
	if c.DSN != "" {
		return sql.Open("pgx", c.DSN)
	}
	return sql.Open("sqlite3", "file:"+c.SQLitePath()+"?mode=ro&_busy_timeout=5000")
}

// Close stops every daemon and drops the run's database.
func (c *Cluster) Close() error {
	var errs []error
	for _, p := range c.Nodes {
		errs = append(errs, p.Stop())
	}
	if c.admin != nil {
		_, err := c.admin.Exec(`DROP DATABASE IF EXISTS ` + c.name + ` WITH (FORCE)`)
		errs = append(errs, err, c.admin.Close())
	}
	return errors.Join(errs...)
}
