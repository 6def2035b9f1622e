package imap

import (
	"bytes"
	"crypto/tls"
	"net"
	"testing"
	"time"
)

// recordingConn is a net.Conn that keeps each Write apart.
type recordingConn struct {
	net.Conn
	writes [][]byte
}

func (c *recordingConn) Close() error                     { return nil }
func (c *recordingConn) SetWriteDeadline(time.Time) error { return nil }

func (c *recordingConn) Write(p []byte) (int, error) {
	c.writes = append(c.writes, bytes.Clone(p))
	return len(p), nil
}

// TestGatherWrites: while gathering, a FETCH's per-message flushes leave
// in one write (or one per gatherBytes), in order; otherwise every write
// passes at once.
func TestGatherWrites(t *testing.T) {
	rec := &recordingConn{}
	c := &limitedConn{Conn: rec, max: 100, release: func() {}}
	c.Write([]byte("* OK hello\r\n"))
	if len(rec.writes) != 1 {
		t.Fatalf("a write outside gathering was held: %q", rec.writes)
	}
	c.gather()
	c.Write([]byte("* 1 FETCH (FLAGS ())\r\n"))
	c.Write([]byte("* 2 FETCH (FLAGS ())\r\n"))
	if len(rec.writes) != 1 {
		t.Fatalf("gathered writes went out early: %q", rec.writes)
	}
	if err := c.send(); err != nil {
		t.Fatal(err)
	}
	if len(rec.writes) != 2 || string(rec.writes[1]) != "* 1 FETCH (FLAGS ())\r\n* 2 FETCH (FLAGS ())\r\n" {
		t.Fatalf("send wrote %q", rec.writes[1:])
	}
	c.gather()
	big := bytes.Repeat([]byte("x"), gatherBytes)
	c.Write(big)
	if len(rec.writes) != 3 || len(rec.writes[2]) != gatherBytes {
		t.Fatalf("a full buffer was not written: %d writes", len(rec.writes))
	}
	c.send()
	c.Write([]byte("a OK done\r\n"))
	if len(rec.writes) != 4 || string(rec.writes[3]) != "a OK done\r\n" {
		t.Fatalf("after send writes are held: %q", rec.writes[3:])
	}
	c.gather()
	c.Write([]byte("* BYE going\r\n"))
	c.Close()
	if len(rec.writes) != 5 || string(rec.writes[4]) != "* BYE going\r\n" {
		t.Fatalf("Close dropped what was gathered: %q", rec.writes[4:])
	}
	if got := wire(tls.Server(c, &tls.Config{})); got != c {
		t.Fatalf("wire does not find the connection under TLS")
	}
}
