package smtp

import (
	"bufio"
	"net"
	"strings"
	"testing"
	"time"
)

// pipeRelay offers PIPELINING and answers a transaction's MAIL, RCPTs and
// DATA only once DATA has arrived: a client that waits for an answer
// before it sends DATA (RFC 2920 §3.1 lets DATA end the group) waits
// forever. RCPTs to addresses starting with "no" get 550; DATA gets 554
// when no recipient was accepted, unless sloppy, which says 354 anyway.
// It sends each message it received on msgs.
func pipeRelay(t *testing.T, sloppy bool) (addr string, msgs <-chan string) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	ch := make(chan string, 10)
	go func() {
		c, err := l.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		r := bufio.NewReader(c)
		c.Write([]byte("220 pipe.example\r\n"))
		var pending []string
		ok := 0
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			cmd := strings.ToUpper(strings.TrimRight(line, "\r\n"))
			switch {
			case strings.HasPrefix(cmd, "EHLO"):
				c.Write([]byte("250-pipe.example\r\n250 PIPELINING\r\n"))
			case strings.HasPrefix(cmd, "MAIL"):
				pending, ok = []string{"250 2.1.0 ok"}, 0
			case strings.HasPrefix(cmd, "RCPT TO:<NO"):
				pending = append(pending, "550 5.1.1 no such user")
			case strings.HasPrefix(cmd, "RCPT"):
				pending, ok = append(pending, "250 2.1.5 ok"), ok+1
			case cmd == "DATA" && ok == 0 && !sloppy:
				c.Write([]byte(strings.Join(append(pending, "554 5.5.1 no valid recipients"), "\r\n") + "\r\n"))
			case cmd == "DATA":
				c.Write([]byte(strings.Join(append(pending, "354 go on"), "\r\n") + "\r\n"))
				var body strings.Builder
				for {
					l, err := r.ReadString('\n')
					if err != nil {
						return
					}
					if l == ".\r\n" {
						break
					}
					body.WriteString(l)
				}
				ch <- body.String()
				c.Write([]byte("250 2.0.0 queued\r\n"))
			default: // RSET, QUIT
				c.Write([]byte("250 ok\r\n"))
			}
		}
	}()
	return l.Addr().String(), ch
}

// TestRelayConnPipelinesData: with PIPELINING, MAIL, the RCPTs and DATA
// go in one group; refused recipients keep their own answers, and a
// transaction whose every recipient is refused sends no message (or a
// lone dot to a relay that says 354 anyway) and leaves the connection
// usable for the next one.
func TestRelayConnPipelinesData(t *testing.T) {
	for _, sloppy := range []bool{false, true} {
		addr, msgs := pipeRelay(t, sloppy)
		c, err := dialRelay(addr, "lists.example.test", 3*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		mailErr, rcptErrs, dataErr := c.transaction("b@x.test", []string{"a@y.test", "nobody@y.test"}, []byte("Subject: one\r\n\r\nhi\r\n"))
		if mailErr != nil || dataErr != nil || rcptErrs[0] != nil || rcptErrs[1] == nil ||
			!strings.Contains(rcptErrs[1].Error(), "no such user") {
			t.Fatalf("sloppy=%v: first transaction: %v %v %v", sloppy, mailErr, rcptErrs, dataErr)
		}
		if got := <-msgs; got != "Subject: one\r\n\r\nhi\r\n" {
			t.Fatalf("relay got %q", got)
		}
		mailErr, rcptErrs, dataErr = c.transaction("b@x.test", []string{"nobody@y.test"}, []byte("Subject: two\r\n\r\nhi\r\n"))
		if mailErr != nil || dataErr != nil || len(rcptErrs) != 1 || rcptErrs[0] == nil {
			t.Fatalf("sloppy=%v: all refused: %v %v %v", sloppy, mailErr, rcptErrs, dataErr)
		}
		if sloppy {
			if got := <-msgs; got != "" {
				t.Fatalf("sloppy relay got %q, want a lone dot", got)
			}
		}
		if err := c.reset(); err != nil {
			t.Fatal(err)
		}
		mailErr, rcptErrs, dataErr = c.transaction("b@x.test", []string{"c@y.test"}, []byte("Subject: three\r\n\r\nhi\r\n"))
		if mailErr != nil || dataErr != nil || rcptErrs[0] != nil {
			t.Fatalf("sloppy=%v: after: %v %v %v", sloppy, mailErr, rcptErrs, dataErr)
		}
		if got := <-msgs; !strings.Contains(got, "three") {
			t.Fatalf("relay got %q", got)
		}
		c.quit()
	}
}
