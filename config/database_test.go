package config

import (
	"strings"
	"testing"
	"time"
)

func TestDatabaseDefaultIsSQLite(t *testing.T) {
	t.Parallel()
	if d := Defaults().Database; d.Driver != DriverSQLite || d.DSN != "" || d.NodeID != "" || d.Lease != time.Minute {
		t.Fatalf("default database %+v", d)
	}
}

// The blob store follows the driver unless named.
func TestDatabaseBlobsDefault(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		d    Database
		want string
	}{
		{Database{Driver: DriverSQLite}, BlobsFS},
		{Database{Driver: DriverPostgres}, BlobsPostgres},
		{Database{Driver: DriverPostgres, Blobs: BlobsFS}, BlobsFS},
	} {
		if got := c.d.BlobStore(); got != c.want {
			t.Errorf("%+v: blob store %q, want %q", c.d, got, c.want)
		}
	}
}

func TestDatabasePostgres(t *testing.T) {
	t.Parallel()
	got, err := Load(writeFile(t, "[database]\ndriver = \"postgres\"\ndsn = \"host=/run/postgresql dbname=groupd\"\n"+
		"node_id = \"mx-1.a\"\nlease = \"5s\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got.Database.Driver != DriverPostgres || got.Database.DSN != "host=/run/postgresql dbname=groupd" ||
		got.Database.NodeID != "mx-1.a" || got.Database.Lease != 5*time.Second {
		t.Fatalf("database %+v", got.Database)
	}
}

// Every problem of [database] is listed with the others, naming its key;
// a DSN with a password is never repeated in the errors.
func TestDatabaseProblems(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ body, want string }{
		{"[database]\ndriver = \"mysql\"\n", `database.driver: "mysql" is not one of sqlite, postgres`},
		{"[database]\ndriver = \"postgres\"\n", `database.dsn: required with driver "postgres"`},
		{"[database]\ndsn = \"host=x\"\n", `database.dsn: set only with driver "postgres"`},
		{"[database]\ndriver = \"postgres\"\ndsn = \"postgres://u:Secret99@db:notaport/x\"\n", `database.dsn: not a PostgreSQL connection string`},
		{"[database]\ndriver = \"postgres\"\ndsn = \"host=db password=Secret99 port=x\"\n", `database.dsn: not a PostgreSQL connection string`},
		{"[database]\nflavour = 1\n", `database.flavour: unknown key`},
		{"[database]\nblobs = \"s3\"\n", `database.blobs: "s3" is not one of fs, postgres`},
		{"[database]\nblobs = \"postgres\"\n", `database.blobs: "postgres" needs driver "postgres"`},
		{"[database]\nnode_id = \"a b\"\n", `database.node_id: "a b": use letters`},
		{"[database]\nnode_id = \"..\"\n", `database.node_id: "..": use letters`},
		{"[database]\nlease = \"500ms\"\n", `database.lease: 500ms is not between 1s and 1h`},
		{"[database]\nlease = \"2h\"\n", `database.lease: 2h0m0s is not between 1s and 1h`},
	} {
		_, err := Load(writeFile(t, c.body+"log_level = \"loud\"\n"))
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "log_level") {
			t.Errorf("%q: %v, want %q and the log_level problem", c.body, err, c.want)
		}
		if err != nil && strings.Contains(err.Error(), "Secret99") {
			t.Errorf("%q: the error repeats the password: %v", c.body, err)
		}
	}
}

func TestDatabaseRedacted(t *testing.T) {
	t.Parallel()
	for dsn, want := range map[string]string{
		"":                                      "",
		"host=/tmp dbname=g":                    "host=/tmp dbname=g",
		"host=db password=Secret99 dbname=g":    "host=db password=xxxxx dbname=g",
		"host=db password='Sec ret99' dbname=g": "host=db password=xxxxx dbname=g",
		"postgres://u:Secret99@db:5432/g":       "postgres://u:xxxxx@db:5432/g",
		"postgres://u@db/g?password=Secret99":   "postgres://u@db/g?password=xxxxx",
		"postgresql://db/g?sslmode=disable":     "postgresql://db/g?sslmode=disable",
	} {
		got := Database{Driver: DriverPostgres, DSN: dsn}.Redacted()
		if got != want || strings.Contains(got, "Secret99") {
			t.Errorf("Redacted(%q) = %q, want %q", dsn, got, want)
		}
	}
}
