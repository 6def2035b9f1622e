package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"groupd/config"
	"groupd/daemon"
	"groupd/groups"
)

// cmdCopyDB is `groupd copy-db [-config FILE] [-blobs postgres|fs] -to DSN`:
// it copies a stopped SQLite deployment (data_dir's database and blobs)
// into an empty PostgreSQL database and verifies the copy (row counts and
// checksums of every table, SHA-256 of every blob) before it reports
// success. The DSN's password is never printed.
func cmdCopyDB(args []string) int {
	fl := flag.NewFlagSet("copy-db", flag.ContinueOnError)
	path := fl.String("config", "", "config file of the SQLite deployment (default ./groupd.toml when it exists)")
	to := fl.String("to", "", "the empty PostgreSQL database: postgres://user:pass@host:5432/dbname or host=... dbname=...")
	blobs := fl.String("blobs", config.BlobsPostgres, `where the folder contents go: "postgres" (into the database) or "fs" (they stay in data_dir/blobs)`)
	if fl.Parse(args) != nil || fl.NArg() != 0 || *to == "" {
		fmt.Fprintln(os.Stderr, "usage: groupd copy-db [-config FILE] [-blobs postgres|fs] -to 'postgres://user@host/dbname'")
		return 2
	}
	cfg, err := loadConfig(*path, "")
	if err != nil {
		fmt.Fprintf(os.Stderr, "groupd: config:\n%s\n", indent(err))
		return 1
	}
	if err := copyDB(context.Background(), cfg, config.Database{Driver: config.DriverPostgres, DSN: *to, Blobs: *blobs}, os.Stdout); err != nil {
		fmt.Fprintf(os.Stderr, "groupd copy-db: %v\n", err)
		return 1
	}
	return 0
}

// copyDB copies cfg's SQLite store into the database target names and
// writes what it copied to w.
func copyDB(ctx context.Context, cfg config.Config, target config.Database, w io.Writer) error {
	if cfg.Database.Driver != config.DriverSQLite {
		return errors.New("the config's database is already PostgreSQL: copy-db copies a SQLite deployment (data_dir/groupd.db)")
	}
	c := config.Defaults()
	c.Database = target
	if err := c.Validate(); err != nil {
		return fmt.Errorf("-to or -blobs:\n%s", indent(err))
	}
	db := filepath.Join(cfg.DataDir, groups.BackupDBName)
	if fi, err := os.Stat(db); err != nil || fi.Size() == 0 {
		return errors.New("no database in " + cfg.DataDir + " (is data_dir right?)")
	}
	fmt.Fprintf(w, "groupd copy-db: %s (stop groupd first) -> %s, blobs %s\n", db, target.Redacted(), target.Blobs)
	opts := func(o groups.Options) groups.Options {
		o.MailDomains, o.InternalDomains, o.Hostname = cfg.Mail.Domains, cfg.Mail.InternalDomains, cfg.Hostname
		return daemon.StoreOptions(o)
	}
	rep, err := groups.CopyDatabase(ctx,
		opts(groups.Options{Path: db, BlobDir: filepath.Join(cfg.DataDir, groups.BackupBlobDir)}),
		opts(groups.Options{Driver: groups.DriverPostgres, DSN: target.DSN, Blobs: target.Blobs,
			BlobDir: filepath.Join(cfg.DataDir, groups.BackupBlobDir)}))
	if err != nil {
		return err
	}
	for _, t := range rep.Tables {
		fmt.Fprintf(w, "  %-20s %d rows\n", t.Name, t.Rows)
	}
	fmt.Fprintf(w, "groupd copy-db: copied and verified %d tables (row counts and checksums) and %d blobs (%d bytes, SHA-256 each)\n",
		len(rep.Tables), rep.Blobs, rep.BlobBytes)
	fmt.Fprintf(w, "Now set [database] driver = \"postgres\", dsn = \"...\" and blobs = %q in the config, and keep data_dir/admin-token.\n", target.Blobs)
	return nil
}
