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

// TestServerShutdown: Shutdown stops accepting at once, lets a session in
// the middle of a transaction finish (its post is stored and answered
// 250), and returns when it has ended.
func TestServerShutdown(t *testing.T) {
	w := newWorld(t, nil, nil)
	srv, err := NewServer(Options{Store: w.st, Hostname: listDomain})
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	c, err := gosmtp.Dial(l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Hello("client.example"); err != nil {
		t.Fatal(err)
	}
	if err := c.Mail(bob, nil); err != nil {
		t.Fatal(err)
	}
	if err := c.Rcpt(teamList, nil); err != nil {
		t.Fatal(err)
	}
	shut := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		shut <- srv.Shutdown(ctx)
	}()
	time.Sleep(50 * time.Millisecond)
	if _, err := net.DialTimeout("tcp", l.Addr().String(), time.Second); err == nil {
		t.Fatal("a new connection was accepted after Shutdown")
	}
	wc, err := c.Data()
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(wc, post(bob, "during shutdown", "x"))
	if err := wc.Close(); err != nil {
		t.Fatalf("the post in flight was not accepted: %v", err)
	}
	c.Quit()
	if err := <-shut; err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if err := <-served; err != nil {
		t.Fatalf("Serve: %v", err)
	}
	w.startQueue(t, nil)
	got := w.relay.waitRcpts(t, 3)
	if !strings.Contains(string(got[alice][0]), "during shutdown") {
		t.Fatal("the post accepted during shutdown was lost")
	}
}

// TestQueueRunFinishesInFlight: when ctx ends, Run waits for the
// transactions in flight and records them, so a restart sends nothing
// twice.
func TestQueueRunFinishesInFlight(t *testing.T) {
	w := newWorld(t, nil, nil)
	w.relay.mu.Lock()
	w.relay.delay = 300 * time.Millisecond
	w.relay.mu.Unlock()
	send(t, w.addr, bob, []string{teamList}, post(bob, "in flight", "x"))
	stop := w.startQueue(t, func(o *QueueOptions) { o.Concurrency = 1; o.BatchSize = 1 })
	for deadline := time.Now().Add(10 * time.Second); w.relay.dataStarted.Load() == 0; {
		if time.Now().After(deadline) {
			t.Fatal("no transaction reached DATA")
		}
		time.Sleep(5 * time.Millisecond)
	}
	stop() // the first transaction is in the relay's DATA
	if len(w.relay.envelopes()) == 0 {
		t.Fatal("Run returned before the transaction in flight finished")
	}
	w.relay.mu.Lock()
	w.relay.delay = 0
	w.relay.mu.Unlock()
	w.startQueue(t, nil)
	got := w.relay.waitRcpts(t, 3)
	w.relay.quiet(t, 150*time.Millisecond, 3)
	for rc, msgs := range got {
		if len(msgs) != 1 {
			t.Fatalf("%s got %d copies", rc, len(msgs))
		}
	}
}

// TestSubmissionShutdownTwice: the daemon calls Shutdown once for the
// submission listener and once for submissions, at the same time, on one
// Submission. Neither call panics (go-smtp closes a channel per call), and
// both wait for the open sessions to end before they return nil.
func TestSubmissionShutdownTwice(t *testing.T) {
	w := newWorld(t, nil, nil)
	ca := newTestCA(t)
	sub, addr1, addr2, served := serveSubmission(t, w, ca, nil)
	plain := helloWithin(t, func() (*gosmtp.Client, error) { return gosmtp.Dial(addr1) })
	implicit := helloWithin(t, func() (*gosmtp.Client, error) { return gosmtp.DialTLS(addr2, ca.client) })

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	shut := make(chan error, 2)
	for range 2 {
		go func() { shut <- sub.Shutdown(ctx) }()
	}
	select {
	case err := <-shut:
		t.Fatalf("a Shutdown returned (%v) while two sessions were still open", err)
	case <-time.After(200 * time.Millisecond):
	}
	plain.Quit()
	implicit.Quit()
	for range 2 {
		select {
		case err := <-shut:
			if err != nil {
				t.Fatalf("Shutdown: %v", err)
			}
		case <-ctx.Done():
			t.Fatal("Shutdown did not return after the sessions ended")
		}
	}
	for range 2 {
		if err := <-served; err != nil {
			t.Fatalf("Serve: %v", err)
		}
	}
}

// helloWithin connects with dial and says EHLO, failing the test after 5 s.
func helloWithin(t *testing.T, dial func() (*gosmtp.Client, error)) *gosmtp.Client {
	t.Helper()
	c, err := dial()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.CommandTimeout = 5 * time.Second
	if err := c.Hello("client.example"); err != nil {
		t.Fatal(err)
	}
	return c
}
