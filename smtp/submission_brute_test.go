package smtp

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	gosmtp "github.com/emersion/go-smtp"

	"groupd/groups"
	"groupd/internal/testdb"
	"groupd/internal/testkit"
)

// syncBuffer is a log sink safe for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// dialFrom connects to addr from the local address ip (any 127/8 address
// is loopback on Linux), so that tests can be several clients.
func dialFrom(t *testing.T, ip, addr string) *gosmtp.Client {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	conn, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c := gosmtp.NewClient(conn)
	t.Cleanup(func() { c.Close() })
	return c
}

// TestBruteForce: 50 wrong passwords in a row from one address are slowed
// (past SlowAfter) and then refused outright (454 4.7.0), even the right
// password from there; the right password from another address still
// works; and no password, nor its base64, appears in the log.
func TestBruteForce(t *testing.T) {
	var logs syncBuffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	const delay = 20 * time.Millisecond
	db := testdb.New(t)
	st, err := groups.Open(testkit.StoreOptions(groups.Options{
		Driver: db.Driver, DSN: db.DSN, Path: db.Path, BlobDir: db.BlobDir, MailDomains: []string{listDomain},
		InternalDomains: []string{"example.test"}, HashParams: &groups.HashParams{Time: 1, Memory: 64, Threads: 1},
		Logger: log, Throttle: groups.ThrottleOptions{SlowAfter: 5, RefuseAfter: 20, Delay: delay, MaxDelay: 2 * delay},
	}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	addUsers(t, st, alice, bob)
	w := &world{st: st}
	ca := newTestCA(t)
	addr, _ := startSubmission(t, w, ca, func(o *SubmissionOptions) { o.Logger = log })

	refused := 0
	for i := range 50 {
		c := dialFrom(t, "127.0.0.1", addr)
		start := time.Now()
		err := c.Auth(sasl.NewPlainClient("", bob, fmt.Sprintf("Wr0ngSecret%02d", i)))
		took := time.Since(start)
		var se *gosmtp.SMTPError
		if !errors.As(err, &se) {
			t.Fatalf("attempt %d: %v", i, err)
		}
		switch {
		case i < 20 && se.Code != 535:
			t.Fatalf("attempt %d: %d %s, want 535", i, se.Code, se.Message)
		case i >= 20 && se.Code != 454:
			t.Fatalf("attempt %d: %d %s, want 454 (refused)", i, se.Code, se.Message)
		case i >= 6 && i < 20 && took < delay:
			t.Errorf("attempt %d took %v: not slowed", i, took)
		}
		if se.Code == 454 {
			refused++
		}
		c.Close()
	}
	if refused != 30 {
		t.Errorf("%d attempts refused outright, want 30", refused)
	}
	c := dialFrom(t, "127.0.0.1", addr)
	wantCode(t, c.Auth(sasl.NewPlainClient("", bob, "password1")), 454, "4.7.0")
	c = dialFrom(t, "127.0.0.2", addr)
	if err := c.Auth(sasl.NewPlainClient("", bob, "password1")); err != nil {
		t.Fatalf("right password from another address: %v", err)
	}
	out := logs.String()
	for _, secret := range []string{"Wr0ngSecret", "password1", base64.StdEncoding.EncodeToString([]byte("\x00" + bob + "\x00password1"))} {
		if strings.Contains(out, secret) {
			t.Errorf("the log holds %q", secret)
		}
	}
	if !strings.Contains(out, "login failed") || !strings.Contains(out, "login refused") {
		t.Errorf("the log does not record the failures:\n%s", out)
	}
}
