package daemon

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"groupd/config"
	"groupd/internal/testdb"
)

// syncBuffer is a log sink that tests may read while the daemon writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// testConfig is a valid config with data in dir and HTTP on a free
// loopback port; the other listeners are disabled. The database is
// data_dir's SQLite file, or, with GROUPD_TEST_POSTGRES, a fresh
// PostgreSQL database, the same one for every config of dir (a restart).
func testConfig(t testing.TB, dir string) config.Config {
	c := config.Defaults()
	c.DataDir = dir
	c.Listen = config.Listen{HTTP: "127.0.0.1:0"}
	if testdb.Postgres() {
		c.Database = config.Database{Driver: config.DriverPostgres, DSN: testdb.For(t, dir).DSN}
	}
	return c
}

// startDaemon starts a daemon for cfg, logging to the returned buffer,
// and shuts it down when the test ends.
func startDaemon(t *testing.T, cfg config.Config) (*Daemon, *syncBuffer) {
	t.Helper()
	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	d, err := New(cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Start(t.Context()); err != nil {
		t.Fatalf("Start: %v\nlogs:\n%s", err, logs)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := d.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
	})
	return d, logs
}

// get sends a GET to the daemon's HTTP listener and returns status and body.
func get(t *testing.T, d *Daemon, path, token string) (int, string) {
	t.Helper()
	req, err := http.NewRequest("GET", "http://"+d.Addr("http").String()+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// metricLine returns the line of the /metrics text that starts with
// prefix, or "".
func metricLine(text, prefix string) string {
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, prefix) {
			return l
		}
	}
	return ""
}

// newLogger logs text to w at debug level.
func newLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}
