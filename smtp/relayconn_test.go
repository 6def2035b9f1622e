package smtp

import (
	"bufio"
	"net"
	"strings"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"
)

// oldRelay is a relay that knows HELO only (no EHLO, so no PIPELINING):
// it refuses RCPT for addresses starting with "no" with 550 5.1.1 and
// records the commands it was sent.
func oldRelay(t *testing.T) (addr string, got <-chan []string) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	ch := make(chan []string, 1)
	go func() {
		c, err := l.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		var seen []string
		r, w := bufio.NewReader(c), c
		w.Write([]byte("220 old.example\r\n"))
		inData := false
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				ch <- seen
				return
			}
			line = strings.TrimRight(line, "\r\n")
			if inData {
				if line == "." {
					inData = false
					w.Write([]byte("250 queued\r\n"))
				}
				continue
			}
			seen = append(seen, line)
			switch cmd := strings.ToUpper(line); {
			case strings.HasPrefix(cmd, "EHLO"):
				w.Write([]byte("502 5.5.1 what\r\n"))
			case strings.HasPrefix(cmd, "RCPT TO:<NO"):
				w.Write([]byte("550 5.1.1 no such user\r\n"))
			case cmd == "DATA":
				inData = true
				w.Write([]byte("354 go on\r\n"))
			case cmd == "QUIT":
				w.Write([]byte("221 bye\r\n"))
				ch <- seen
				return
			default:
				w.Write([]byte("250 ok\r\n"))
			}
		}
	}()
	return l.Addr().String(), ch
}

// TestRelayConnWithoutPipelining: a relay without EHLO gets HELO and one
// command at a time; each recipient's own answer comes back with its
// enhanced code, and the accepted ones get the message.
func TestRelayConnWithoutPipelining(t *testing.T) {
	addr, got := oldRelay(t)
	c, err := dialRelay(addr, "lists.example.test", 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if c.pipeline {
		t.Fatal("pipelining assumed without EHLO")
	}
	mailErr, rcptErrs, dataErr := c.transaction("list-bounces@lists.example.test",
		[]string{"yes@x.example", "nobody@x.example"}, []byte("Subject: s\r\n\r\n.dot\r\n"))
	if mailErr != nil || dataErr != nil || len(rcptErrs) != 2 || rcptErrs[0] != nil {
		t.Fatalf("mail %v, rcpts %v, data %v", mailErr, rcptErrs, dataErr)
	}
	se, ok := rcptErrs[1].(*gosmtp.SMTPError)
	if !ok || se.Code != 550 || se.EnhancedCode != (gosmtp.EnhancedCode{5, 1, 1}) || se.Message != "no such user" {
		t.Fatalf("refused recipient: %#v", rcptErrs[1])
	}
	c.quit()
	seen := <-got
	want := []string{"EHLO lists.example.test", "HELO lists.example.test", "MAIL FROM:<list-bounces@lists.example.test>",
		"RCPT TO:<yes@x.example>", "RCPT TO:<nobody@x.example>", "DATA", "QUIT"}
	if strings.Join(seen, "|") != strings.Join(want, "|") {
		t.Fatalf("relay saw\n%q\nwant\n%q", seen, want)
	}
}
