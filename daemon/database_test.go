package daemon

import (
	"log/slog"
	"strings"
	"testing"

	"groupd/config"
	"groupd/internal/testdb"
)

// A DSN's password is in neither the logs nor the error of a daemon whose
// database cannot be reached.
func TestDSNPasswordNeverLogged(t *testing.T) {
	cfg := testConfig(t, t.TempDir())
	cfg.Database = config.Database{Driver: config.DriverPostgres,
		DSN: "host=" + t.TempDir() + " port=1 dbname=groupd user=groupd password=Secret99 connect_timeout=2"}
	logs := &syncBuffer{}
	d, err := New(cfg, slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if err != nil {
		t.Fatal(err)
	}
	err = d.Start(t.Context())
	if err == nil {
		t.Fatal("Start succeeded without a database")
	}
	if strings.Contains(err.Error(), "Secret99") || strings.Contains(logs.String(), "Secret99") {
		t.Fatalf("the password leaked:\nerr: %v\nlogs:\n%s", err, logs)
	}
	if !strings.Contains(logs.String(), "password=xxxxx") {
		t.Errorf("the redacted DSN is not logged:\n%s", logs)
	}
}

// On PostgreSQL (GROUPD_TEST_POSTGRES), a daemon whose DSN holds a
// password starts and logs only the redacted DSN.
func TestDSNPasswordNotLoggedOnStart(t *testing.T) {
	if !testdb.Postgres() {
		t.Skip("PostgreSQL only: set " + testdb.Env)
	}
	cfg := testConfig(t, t.TempDir())
	cfg.Database.DSN += " password=Secret99" // the test server trusts: ignored
	_, logs := startDaemon(t, cfg)
	if strings.Contains(logs.String(), "Secret99") {
		t.Fatalf("the password is in the logs:\n%s", logs)
	}
}
