package imap

import (
	"bufio"
	"net"
	"strings"
	"testing"
	"time"
)

// rawConn is an IMAP connection driven line by line, for what a client
// library hides (BYE texts).
type rawConn struct {
	t    testing.TB
	conn net.Conn
	rd   *bufio.Reader
}

// raw dials the IMAP port and reads the greeting.
func (e *env) raw() *rawConn {
	e.t.Helper()
	conn, err := net.Dial("tcp", e.d.Addr("imap").String())
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { conn.Close() })
	conn.SetDeadline(time.Now().Add(20 * time.Second))
	r := &rawConn{t: e.t, conn: conn, rd: bufio.NewReader(conn)}
	r.until("* OK")
	return r
}

func (r *rawConn) send(line string) {
	r.t.Helper()
	if _, err := r.conn.Write([]byte(line + "\r\n")); err != nil {
		r.t.Fatal(err)
	}
}

// until reads lines until one starts with one of the prefixes and
// returns it.
func (r *rawConn) until(prefixes ...string) string {
	r.t.Helper()
	var seen []string
	for {
		line, err := r.rd.ReadString('\n')
		if err != nil {
			r.t.Fatalf("waiting for %q: %v after %q", prefixes, err, seen)
		}
		for _, p := range prefixes {
			if strings.HasPrefix(line, p) {
				return strings.TrimRight(line, "\r\n")
			}
		}
		seen = append(seen, line)
	}
}

// ok sends a tagged command and wants its tagged OK.
func (r *rawConn) ok(cmd string) {
	r.t.Helper()
	tag, _, _ := strings.Cut(cmd, " ")
	r.send(cmd)
	if line := r.until(tag + " "); !strings.HasPrefix(line, tag+" OK") {
		r.t.Fatalf("%s: %s", cmd, line)
	}
}
