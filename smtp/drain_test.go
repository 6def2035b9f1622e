package smtp

import (
	"context"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"
)

// Issue 16, Info: a relay keeps its connection open between messages;
// Shutdown waited for it until the deadline, and SIGTERM ended in
// "shutdown incomplete". Idle sessions now get 421 (RFC 5321 §3.8) at
// once; one in a transaction finishes it first, then gets 421.
func TestShutdownEndsIdleRelayConnections(t *testing.T) {
	w := newWorld(t, nil, nil)
	srv, err := NewServer(Options{Store: w.st, Hostname: listDomain})
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	idle, err := gosmtp.Dial(l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	if err := idle.Hello("relay.example"); err != nil {
		t.Fatal(err)
	}
	busy, err := gosmtp.Dial(l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	if err := busy.Hello("relay.example"); err != nil {
		t.Fatal(err)
	}
	if err := busy.Mail(bob, nil); err != nil {
		t.Fatal(err)
	}
	if err := busy.Rcpt(teamList, nil); err != nil {
		t.Fatal(err)
	}
	shut := make(chan error, 1)
	t0 := time.Now()
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		shut <- srv.Shutdown(ctx)
	}()
	time.Sleep(100 * time.Millisecond)
	wc, err := busy.Data()
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(wc, post(bob, "during shutdown", "x"))
	if err := wc.Close(); err != nil {
		t.Fatalf("the transaction in flight was not finished: %v", err)
	}
	if err := <-shut; err != nil || time.Since(t0) > 2*time.Second {
		t.Fatalf("Shutdown: %v after %v, want nil at once", err, time.Since(t0))
	}
	if err := idle.Noop(); err == nil || !strings.Contains(err.Error(), "421") && !strings.Contains(err.Error(), "EOF") {
		t.Fatalf("the idle connection after Shutdown: %v", err)
	}
}
