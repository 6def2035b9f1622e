package imap

import (
	"bufio"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"groupd/internal/budget"
)

// TestAbandonedFetchEndsSession: a client that asks for large bodies and
// goes away without reading them leaves no session behind, whether the
// body was streamed (over streamAbove) or written whole. Before, the
// failed response kept the connection's encoder, so the FETCH's own
// tagged answer and the BYE of a shutdown waited for it forever: the
// session (goroutine and socket) stayed, and SIGTERM ended in "shutdown
// incomplete" (found by bench/soak.sh -abuse).
func TestAbandonedFetchEndsSession(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.Budget = budget.New(64 << 20) })
	line := "a line of a large post, long enough to fill the socket's buffers\r\n"
	e.post(t, "team", message("streamed", strings.Repeat(line, 50000))) // 3.3 MB
	e.post(t, "team", message("whole", strings.Repeat(line, 12000)))    // 0.8 MB
	for _, n := range []int{1, 2} {
		c, err := net.Dial("tcp", e.addr)
		if err != nil {
			t.Fatal(err)
		}
		r := bufio.NewReader(c)
		r.ReadString('\n')
		fmt.Fprintf(c, "a LOGIN bob@example.test %s\r\nb EXAMINE Groups/Team\r\n", password)
		for _, tag := range []string{"a ", "b "} {
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					t.Fatal(err)
				}
				if strings.HasPrefix(l, tag) {
					break
				}
			}
		}
		fmt.Fprintf(c, "c FETCH %d (%s)\r\n", n, strings.TrimSpace(strings.Repeat("BODY.PEEK[] ", 8)))
		time.Sleep(50 * time.Millisecond) // the answer under way
		c.(*net.TCPConn).SetLinger(0)     // gone at once, unread data and all
		c.Close()
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		e.srv.mu.Lock()
		open := len(e.srv.sessions)
		e.srv.mu.Unlock()
		if open == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d sessions still open 10 s after their clients went away", open)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
