package config

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// Database drivers.
const (
	DriverSQLite   = "sqlite"
	DriverPostgres = "postgres"
)

// Database is the [database] table: where the store keeps its data.
type Database struct {
	// Driver is "sqlite" (the default: the file groupd.db in data_dir)
	// or "postgres" (the database that DSN names; several groupd
	// processes may share it).
	Driver string `toml:"driver"`
	// DSN is the PostgreSQL connection string, a URL
	// ("postgres://user:pass@host:5432/groupd") or key=value pairs
	// ("host=/run/postgresql dbname=groupd"). Required with driver
	// "postgres"; must be empty with "sqlite". Default "". It may hold a
	// password: groupd never logs it (see Redacted) nor repeats it in an
	// error.
	DSN string `toml:"dsn"`
	// Blobs is where folder contents are kept: "fs" (files in
	// data_dir/blobs) or "postgres" (1 MiB chunks in the database, so
	// that a node keeps nothing on its own disk). Default: "fs" with
	// SQLite, "postgres" with PostgreSQL; "postgres" needs that driver.
	Blobs string `toml:"blobs"`
	// NodeID names this process among the groupd processes on one
	// PostgreSQL database (in its claims of queued mail and in the log):
	// letters, digits, ".", "_", "-", at most 64, not only dots (it names
	// the node's upload directory). Default "": a random id chosen at
	// first start and kept in data_dir/node-id. Give each node its own.
	NodeID string `toml:"node_id"`
	// Lease is how long a node's claim on queued rows lasts unless the
	// node renews it (it does every third of it while it runs): after a
	// node dies, another delivers its rows once the lease has passed.
	// PostgreSQL only. Default 1m (also when 0); 1s to 1h.
	Lease time.Duration `toml:"lease"`
}

// Blob stores that Database.Blobs names.
const (
	BlobsFS       = "fs"
	BlobsPostgres = "postgres"
)

func databaseDefaults() Database { return Database{Driver: DriverSQLite, Lease: time.Minute} }

var nodeIDRE = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// nodeProblems checks node_id and lease.
func (d Database) nodeProblems() []error {
	var errs []error
	if d.NodeID != "" && (!nodeIDRE.MatchString(d.NodeID) || strings.Trim(d.NodeID, ".") == "") {
		errs = append(errs, fmt.Errorf("database.node_id: %q: use letters, digits, '.', '_', '-' (not only dots), at most 64", d.NodeID))
	}
	if d.Lease != 0 && (d.Lease < time.Second || d.Lease > time.Hour) {
		errs = append(errs, fmt.Errorf("database.lease: %v is not between 1s and 1h", d.Lease))
	}
	return errs
}

// BlobStore is Blobs, or its default for the driver when it is empty.
func (d Database) BlobStore() string {
	switch {
	case d.Blobs != "":
		return d.Blobs
	case d.Driver == DriverPostgres:
		return BlobsPostgres
	}
	return BlobsFS
}

func (d Database) problems() []error {
	errs := d.nodeProblems()
	errs = append(errs, d.blobProblems()...)
	return append(errs, d.driverProblems()...)
}

// blobProblems checks blobs.
func (d Database) blobProblems() []error {
	switch d.Blobs {
	case "", BlobsFS:
	case BlobsPostgres:
		if d.Driver != DriverPostgres {
			return []error{errors.New(`database.blobs: "postgres" needs driver "postgres" (with SQLite, blobs are files in data_dir/blobs)`)}
		}
	default:
		return []error{fmt.Errorf("database.blobs: %q is not one of fs, postgres", d.Blobs)}
	}
	return nil
}

func (d Database) driverProblems() []error {
	switch d.Driver {
	case DriverSQLite:
		if d.DSN != "" {
			return []error{errors.New(`database.dsn: set only with driver "postgres" (SQLite's file is data_dir/groupd.db)`)}
		}
	case DriverPostgres:
		if strings.TrimSpace(d.DSN) == "" {
			return []error{errors.New(`database.dsn: required with driver "postgres", e.g. "postgres://groupd@db.example.test/groupd"`)}
		}
		// The parser's own message may quote the string, password and
		// all: it is not repeated.
		if _, err := pgconn.ParseConfig(d.DSN); err != nil {
			return []error{errors.New(`database.dsn: not a PostgreSQL connection string: write a URL ` +
				`"postgres://user@host:5432/dbname" or key=value pairs "host=... dbname=..."`)}
		}
	default:
		return []error{fmt.Errorf("database.driver: %q is not one of sqlite, postgres", d.Driver)}
	}
	return nil
}

var dsnPasswordRE = regexp.MustCompile(`(?i)(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S*)`)

// Redacted is the DSN with any password replaced by "xxxxx": what may be
// logged.
func (d Database) Redacted() string {
	if d.DSN == "" {
		return ""
	}
	if strings.HasPrefix(d.DSN, "postgres://") || strings.HasPrefix(d.DSN, "postgresql://") {
		u, err := url.Parse(d.DSN)
		if err != nil {
			return "(unparsable URL)"
		}
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
		}
		q := u.Query()
		for k := range q {
			if strings.Contains(strings.ToLower(k), "password") {
				q.Set(k, "xxxxx")
			}
		}
		u.RawQuery = q.Encode()
		return u.String()
	}
	return dsnPasswordRE.ReplaceAllString(d.DSN, "${1}xxxxx")
}
