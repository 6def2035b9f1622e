package main

import (
	"bytes"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"
)

// TestDevsink: the laptop relay accepts a message, prints a line per
// recipient with the subject, and keeps the message with -dir.
func TestDevsink(t *testing.T) {
	dir := t.TempDir()
	var out lockedWriter
	sink := &devsink{dir: dir, out: &out}
	srv := gosmtp.NewServer(gosmtp.BackendFunc(func(*gosmtp.Conn) (gosmtp.Session, error) {
		return &devsinkSession{sink: sink}, nil
	}))
	srv.Domain = "devsink.localhost"
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	defer srv.Close()
	msg := "Subject: Lunch\r\n at noon\r\nFrom: a@example.test\r\n\r\nSee you.\r\n"
	c, err := gosmtp.Dial(l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	err = c.SendMail("team-bounces@lists.example.test", []string{"bob@example.test", "eve@example.test"}, strings.NewReader(msg))
	if err != nil {
		t.Fatal(err)
	}
	c.Quit()
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(out.String(), "eve@") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	want := "000001 from <team-bounces@lists.example.test> to <bob@example.test>: Lunch at noon\n" +
		"000001 from <team-bounces@lists.example.test> to <eve@example.test>: Lunch at noon\n"
	if out.String() != want {
		t.Fatalf("printed %q, want %q", out.String(), want)
	}
	b, err := os.ReadFile(filepath.Join(dir, "000001.eml"))
	if err != nil || string(b) != msg {
		t.Fatalf("kept %q %v", b, err)
	}
}

type lockedWriter struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (w *lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}
func (w *lockedWriter) String() string { w.mu.Lock(); defer w.mu.Unlock(); return w.b.String() }
