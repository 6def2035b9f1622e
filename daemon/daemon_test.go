package daemon

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestShutdown(t *testing.T) {
	t.Parallel()
	d, err := New(testConfig(t, t.TempDir()), nil)
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
	cfg := testConfig(t, t.TempDir())
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

	d, err := New(testConfig(t, t.TempDir()), nil)
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
	d, err := New(testConfig(t, t.TempDir()), nil)
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
	d, err := New(testConfig(t, t.TempDir()), nil)
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
	cfg := testConfig(t, t.TempDir())
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
	cfg := testConfig(t, t.TempDir())
	cfg.Listen.HTTP = "nope"
	cfg.Mail.Domains = nil
	_, err := New(cfg, nil)
	if err == nil || !strings.Contains(err.Error(), "listen.http") || !strings.Contains(err.Error(), "mail.domains") {
		t.Fatalf("New = %v, want errors naming listen.http and mail.domains", err)
	}
}
