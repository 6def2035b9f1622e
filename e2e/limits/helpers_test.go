package limits

import (
	"bufio"
	"net"
	"strings"
	"testing"
	"time"

	"groupd/config"
	"groupd/e2e/internal/e2etest"
)

// start runs a daemon with edit applied to its [limits].
func start(t *testing.T, edit func(*config.Limits)) *e2etest.Daemon {
	t.Helper()
	return e2etest.Start(t, func(c *config.Config) { edit(&c.Limits) })
}

// line is a TCP connection read line by line.
type line struct {
	t *testing.T
	c net.Conn
	r *bufio.Reader
}

func dial(t *testing.T, addr net.Addr) *line {
	t.Helper()
	return dialFrom(t, "127.0.0.1", addr)
}

// dialFrom connects from the loopback address from (127.0.0.2 is another
// client as far as the limits go).
func dialFrom(t *testing.T, from string, addr net.Addr) *line {
	t.Helper()
	dialer := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}}
	c, err := dialer.Dial("tcp", addr.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(30 * time.Second)) // a hung daemon fails the test, not the run
	return &line{t: t, c: c, r: bufio.NewReader(c)}
}

// read returns the next line without its CRLF, or "EOF" when the server
// closed the connection.
func (l *line) read() string {
	l.t.Helper()
	s, err := l.r.ReadString('\n')
	if err != nil && s == "" {
		return "EOF"
	}
	return strings.TrimRight(s, "\r\n")
}

// send writes one line and returns the last line of the answer (SMTP
// multi-line answers have "-" after the code).
func (l *line) send(cmd string) string {
	l.t.Helper()
	if _, err := l.c.Write([]byte(cmd + "\r\n")); err != nil {
		l.t.Fatal(err)
	}
	for {
		s := l.read()
		if len(s) < 4 || s[3] != '-' {
			return s
		}
	}
}

// closed reads until the server has closed the connection (and so
// given its slot back).
func (l *line) closed() {
	l.t.Helper()
	for l.read() != "EOF" {
	}
}

// wantPrefix fails unless got starts with want.
func wantPrefix(t *testing.T, what, got, want string) {
	t.Helper()
	if !strings.HasPrefix(got, want) {
		t.Fatalf("%s: got %q, want %q...", what, got, want)
	}
}
