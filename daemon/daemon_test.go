package daemon

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestHealthz(t *testing.T) {
	t.Parallel()
	d, _ := startDaemon(t, testConfig(t.TempDir()))
	code, body := get(t, d, "/healthz", "")
	if code != 200 || body != "ok\n" {
		t.Fatalf("GET /healthz = %d %q, want 200 \"ok\\n\"", code, body)
	}
}

func TestHealthzDatabaseGone(t *testing.T) {
	t.Parallel()
	d, _ := startDaemon(t, testConfig(t.TempDir()))
	d.store.Close() // the database stops answering
	if code, _ := get(t, d, "/healthz", ""); code != 503 {
		t.Fatalf("GET /healthz with the store closed = %d, want 503", code)
	}
}

func TestMetricsPerRoute(t *testing.T) {
	t.Parallel()
	d, _ := startDaemon(t, testConfig(t.TempDir()))
	if code, _ := get(t, d, "/api/v1/groups/no-such-group", d.token); code != 404 {
		t.Fatalf("GET missing group = %d, want 404", code)
	}
	if code, _ := get(t, d, "/api/v1/users", d.token); code != 200 {
		t.Fatalf("GET /api/v1/users as admin = %d, want 200", code)
	}
	get(t, d, "/healthz", "")
	get(t, d, "/nowhere", "")
	code, text := get(t, d, "/metrics", "")
	if code != 200 {
		t.Fatalf("GET /metrics = %d", code)
	}
	for _, want := range []string{
		`groupd_http_requests_total{code="404",method="GET",route="GET /api/v1/groups/{id}"} 1`,
		`groupd_http_requests_total{code="200",method="GET",route="GET /api/v1/users"} 1`,
		`groupd_http_requests_total{code="200",method="GET",route="GET /healthz"} 1`,
		`groupd_http_requests_total{code="404",method="GET",route="other"} 1`,
		`groupd_http_request_duration_seconds_count{code="404",method="GET",route="GET /api/v1/groups/{id}"} 1`,
		`go_goroutines `,
		`process_open_fds `,
	} {
		if metricLine(text, want) == "" {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if strings.Contains(text, "no-such-group") {
		t.Error("/metrics has a series per group id")
	}
}

func TestAdminToken(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data") // created by Start
	d, logs := startDaemon(t, testConfig(dir))
	path := filepath.Join(dir, "admin-token")
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("admin-token mode %v, want 0600", fi.Mode().Perm())
	}
	if di, err := os.Stat(dir); err != nil || di.Mode().Perm() != 0o700 {
		t.Errorf("data_dir mode = %v (%v), want 0700", di.Mode().Perm(), err)
	}
	b, _ := os.ReadFile(path)
	tok := strings.TrimSpace(string(b))
	if len(tok) != 64 || tok != d.token {
		t.Fatalf("token file holds %q, daemon uses %q; want the same 64 hex digits", tok, d.token)
	}
	if !strings.Contains(logs.String(), path) {
		t.Errorf("log does not name %s:\n%s", path, logs)
	}
	if strings.Contains(logs.String(), tok) {
		t.Errorf("log contains the token:\n%s", logs)
	}
	if code, _ := get(t, d, "/api/v1/users", tok); code != 200 {
		t.Errorf("API with the file's token = %d, want 200", code)
	}
	if code, _ := get(t, d, "/api/v1/users", strings.Repeat("0", 64)); code != 401 {
		t.Errorf("API with another token = %d, want 401", code)
	}
	matches, _ := filepath.Glob(filepath.Join(dir, "admin-token.*"))
	if len(matches) != 0 {
		t.Errorf("temporary files left: %v", matches)
	}
}

func TestAdminTokenReused(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := testConfig(dir)
	first, err := New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	tok := first.token
	if err := first.Shutdown(t.Context()); err != nil {
		t.Fatal(err)
	}
	second, logs := startDaemon(t, cfg)
	if second.token != tok {
		t.Fatal("second start generated a new token")
	}
	if code, _ := get(t, second, "/api/v1/users", tok); code != 200 {
		t.Errorf("API with the first start's token = %d, want 200", code)
	}
	if strings.Contains(logs.String(), tok) {
		t.Error("log contains the token")
	}
}

func TestAdminTokenWrittenByHand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "admin-token"), []byte("  my-own-secret\n\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	d, _ := startDaemon(t, testConfig(dir))
	if d.token != "my-own-secret" {
		t.Fatalf("token %q, want the file's, trimmed", d.token)
	}
}

func TestAdminTokenEmptyFileRefused(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "admin-token")
	if err := os.WriteFile(path, []byte("\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	d, err := New(testConfig(dir), nil)
	if err != nil {
		t.Fatal(err)
	}
	err = d.Start(t.Context())
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("Start with an empty token file = %v, want an error naming it", err)
	}
	if d.Addr("http") != nil {
		t.Error("http listening after a failed start")
	}
}

func TestShutdown(t *testing.T) {
	t.Parallel()
	d, err := New(testConfig(t.TempDir()), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	addr := d.Addr("http").String()
	// An idle keep-alive connection must not hold the shutdown up.
	if code, _ := get(t, d, "/healthz", ""); code != 200 {
		t.Fatal("not serving")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := d.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if ctx.Err() != nil {
		t.Fatal("Shutdown used up its deadline")
	}
	if c, err := net.Dial("tcp", addr); err == nil {
		c.Close()
		t.Fatalf("%s still accepts after Shutdown", addr)
	}
	if err := d.store.Ping(context.Background()); err == nil {
		t.Fatal("store still open after Shutdown")
	}
	if err := d.Shutdown(ctx); err != nil {
		t.Fatalf("second Shutdown: %v", err)
	}
}

func TestStartFailsOnBusyPort(t *testing.T) {
	t.Parallel()
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	cfg := testConfig(t.TempDir())
	cfg.Listen.HTTP = busy.Addr().String()
	d, err := New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = d.Start(t.Context())
	if err == nil || !strings.Contains(err.Error(), "listen.http") || !strings.Contains(err.Error(), "address already in use") {
		t.Fatalf("Start on a busy port = %v, want an error naming listen.http", err)
	}
	if d.Addr("http") != nil {
		t.Error("Addr(http) after a failed start")
	}
	if err := d.store.Ping(context.Background()); err == nil {
		t.Error("store left open after a failed start")
	}
	if err := d.Shutdown(t.Context()); err != nil {
		t.Errorf("Shutdown after a failed start: %v", err)
	}
}

// TestLaunchRollsBack: when a later listener cannot bind, the earlier one
// is released, every constructed listener is shut down, no worker runs
// and the store is closed.
func TestLaunchRollsBack(t *testing.T) {
	t.Parallel()
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	free, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	freeAddr := free.Addr().String()
	free.Close()

	d, err := New(testConfig(t.TempDir()), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.open(t.Context()); err != nil {
		t.Fatal(err)
	}
	var served, shut, ran atomic.Int32
	comp := func(name, addr string) Listener {
		return Listener{Name: name, Addr: addr,
			Serve:    func(l net.Listener) error { served.Add(1); return nil },
			Shutdown: func(context.Context) error { shut.Add(1); return nil }}
	}
	ls := []Listener{comp("first", freeAddr), comp("off", ""), comp("second", busy.Addr().String())}
	ws := []Worker{{Name: "w", Run: func(ctx context.Context) error { ran.Add(1); <-ctx.Done(); return nil }}}
	err = d.launch(t.Context(), ls, ws)
	if err == nil || !strings.HasPrefix(err.Error(), "listen.second: ") {
		t.Fatalf("launch = %v, want an error naming listen.second", err)
	}
	if c, err := net.Dial("tcp", freeAddr); err == nil {
		c.Close()
		t.Errorf("the first listener's %s still accepts", freeAddr)
	}
	if served.Load() != 0 || ran.Load() != 0 || shut.Load() != 3 {
		t.Errorf("served %d, workers run %d, shut down %d; want 0, 0, 3", served.Load(), ran.Load(), shut.Load())
	}
	if err := d.store.Ping(context.Background()); err == nil {
		t.Error("store left open")
	}
}

// TestWorkersStopAfterListeners: workers run while the daemon serves and
// are cancelled only after the listeners have drained.
func TestWorkersStopAfterListeners(t *testing.T) {
	t.Parallel()
	d, err := New(testConfig(t.TempDir()), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.open(t.Context()); err != nil {
		t.Fatal(err)
	}
	var order []string
	drained := make(chan struct{})
	ls := []Listener{{Name: "l", Addr: "127.0.0.1:0",
		Serve:    func(l net.Listener) error { <-drained; return l.Close() },
		Shutdown: func(context.Context) error { order = append(order, "listener"); close(drained); return nil }}}
	ws := []Worker{{Name: "w", Run: func(ctx context.Context) error {
		<-ctx.Done()
		order = append(order, "worker") // after drained: no race
		return ctx.Err()
	}}}
	if err := d.launch(t.Context(), ls, ws); err != nil {
		t.Fatal(err)
	}
	d.state = stateStarted
	if err := d.Shutdown(t.Context()); err != nil {
		t.Fatal(err)
	}
	if strings.Join(order, ",") != "listener,worker" {
		t.Fatalf("shutdown order %v, want listener then worker", order)
	}
}

// TestRunStopsOnFailure: a worker that fails stops Run with its error.
func TestRunStopsOnFailure(t *testing.T) {
	t.Parallel()
	d, err := New(testConfig(t.TempDir()), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.open(t.Context()); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	ws := []Worker{{Name: "queue", Run: func(context.Context) error { return boom }}}
	if err := d.launch(t.Context(), nil, ws); err != nil {
		t.Fatal(err)
	}
	d.state = stateStarted
	select {
	case err := <-d.failed:
		if !errors.Is(err, boom) || !strings.HasPrefix(err.Error(), "queue: ") {
			t.Fatalf("failure %v, want queue: boom", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("worker failure not reported")
	}
	if err := d.Shutdown(t.Context()); err != nil {
		t.Fatal(err)
	}
}

func TestRun(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	cfg := testConfig(t.TempDir())
	logs := &syncBuffer{}
	go func() { done <- Run(ctx, cfg, newLogger(logs)) }()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(logs.String(), "msg=listening") {
		if time.Now().After(deadline) {
			t.Fatalf("not listening after 10 s:\n%s", logs)
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run = %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return within 10 s of cancel")
	}
	if !strings.Contains(logs.String(), "msg=stopped") {
		t.Errorf("no stopped line in log:\n%s", logs)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t.TempDir())
	cfg.Listen.HTTP = "nope"
	cfg.Mail.Domains = nil
	_, err := New(cfg, nil)
	if err == nil || !strings.Contains(err.Error(), "listen.http") || !strings.Contains(err.Error(), "mail.domains") {
		t.Fatalf("New = %v, want errors naming listen.http and mail.domains", err)
	}
}
