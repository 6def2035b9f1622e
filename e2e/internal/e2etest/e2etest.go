package e2etest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"

	"groupd/config"
	"groupd/daemon"
	"groupd/internal/testdb"
	"groupd/internal/testkit"
)

// Password is every seeded user's password.
const Password = "password1"

// Daemon is a running daemon and what a test needs to reach it.
type Daemon struct {
	*daemon.Daemon
	Config config.Config
	Token  string     // the admin token
	Logs   *LogBuffer // everything the daemon logged
	// DB is the daemon's database, for a test that reads it beside the
	// daemon (DB.SQL, with statements through DB.Q).
	DB testdb.DB
}

// Start runs a daemon on loopback ports (HTTP, SMTP, submission, IMAP)
// with its data in a temporary directory and a relay that accepts and
// discards mail; edit may change the config first. The daemon is shut
// down when the test ends.
func Start(t testing.TB, edit func(*config.Config)) *Daemon {
	t.Helper()
	cfg := config.Defaults()
	cfg.DataDir = t.TempDir()
	cfg.Listen = config.Listen{HTTP: "127.0.0.1:0", SMTP: "127.0.0.1:0",
		Submission: "127.0.0.1:0", IMAP: "127.0.0.1:0"}
	cfg.Mail.Relay = discardRelay(t)
	if edit != nil {
		edit(&cfg)
	}
	// With GROUPD_TEST_POSTGRES, the database of data_dir is a PostgreSQL
	// one (the same for a daemon started again on that data_dir).
	db := testdb.DB{Driver: config.DriverSQLite, Path: filepath.Join(cfg.DataDir, "groupd.db")}
	if testdb.Postgres() && cfg.Database.Driver == config.DriverSQLite {
		db = testdb.For(t, cfg.DataDir)
		cfg.Database = config.Database{Driver: config.DriverPostgres, DSN: db.DSN}
	}
	logs := &LogBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	d, err := daemon.New(cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Start(context.Background()); err != nil {
		t.Fatalf("start: %v\n%s", err, logs)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := d.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})
	tok, err := os.ReadFile(filepath.Join(cfg.DataDir, "admin-token"))
	if err != nil {
		t.Fatal(err)
	}
	return &Daemon{Daemon: d, Config: cfg, Token: strings.TrimSpace(string(tok)), Logs: logs, DB: db}
}

// URL is the daemon's HTTP base URL plus path ("http://127.0.0.1:N/dav/").
func (d *Daemon) URL(path string) string {
	return "http://" + d.Addr("http").String() + path
}

// API sends a JSON request to the API, as user with Password or, when
// user is "", with the admin token; it returns the status and the body.
func (d *Daemon) API(t testing.TB, method, path, user string, body any) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		j, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, d.URL(path), rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if user == "" {
		req.Header.Set("Authorization", "Bearer "+d.Token)
	} else {
		req.SetBasicAuth(user, Password)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}

// Users creates users (full addresses) with Password.
func (d *Daemon) Users(t testing.TB, emails ...string) {
	t.Helper()
	for _, e := range emails {
		if c, b := d.API(t, "POST", "/api/v1/users", "", map[string]string{"email": e, "name": e, "password": Password}); c != 201 {
			t.Fatalf("create user %s: %d %s", e, c, b)
		}
	}
}

// Group creates group id (display name name) with master as its master
// and members as members; extra fields of the create body (SPEC §3) may
// be added, such as "visibility".
func (d *Daemon) Group(t testing.TB, id, name, master string, members []string, extra map[string]any) {
	t.Helper()
	body := map[string]any{"id": id, "name": name, "members": members}
	for k, v := range extra {
		body[k] = v
	}
	if c, b := d.API(t, "POST", "/api/v1/groups", master, body); c != 201 {
		t.Fatalf("create group %s: %d %s", id, c, b)
	}
}

// Team seeds the usual cast: alice master and bob member of "team"
// (display name "Team"), carol in no group.
func (d *Daemon) Team(t testing.TB) {
	t.Helper()
	d.Users(t, "alice@example.test", "bob@example.test", "carol@example.test")
	d.Group(t, "team", "Team", "alice@example.test", []string{"bob@example.test"}, nil)
}

// LogBuffer collects the daemon's log; safe for concurrent use.
type LogBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *LogBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *LogBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// discardRelay is an SMTP server on loopback that accepts every message.
func discardRelay(t testing.TB) string {
	t.Helper()
	return testkit.ServeRelay(t, func(*gosmtp.Conn) (gosmtp.Session, error) { return discard{}, nil })
}

type discard struct{}

func (discard) Reset()                                 {}
func (discard) Logout() error                          { return nil }
func (discard) Mail(string, *gosmtp.MailOptions) error { return nil }
func (discard) Rcpt(string, *gosmtp.RcptOptions) error { return nil }
func (discard) Data(r io.Reader) error                 { _, err := io.Copy(io.Discard, r); return err }
