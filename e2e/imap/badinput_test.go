package imap

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"groupd/e2e/internal/e2etest"
)

// TestBadInputAnswered: with the daemon's own limits, an overlong line
// ends that connection with BYE [TOOBIG]; an unknown command, a broken
// literal and an oversized one get BAD (or NO) and the session goes on;
// other users are served throughout.
func TestBadInputAnswered(t *testing.T) {
	t.Parallel()
	e := start(t)
	e.post("team@lists.example.test", "one", "the only post")

	long := e.raw()
	long.send("a1 LOGIN " + strings.Repeat("x", 40000)) // over the default 32 KiB line
	if l := long.until("* "); !strings.HasPrefix(l, "* BYE [TOOBIG]") {
		t.Errorf("a 40 KB line answered %q, want BYE [TOOBIG]", l)
	}

	r := e.raw()
	r.ok("a LOGIN bob@example.test " + e2etest.Password)
	for _, c := range []struct{ cmd, want string }{
		{"b1 FROBNICATE now", "b1 BAD"},
		{"b2 SELECT {12", "b2 BAD"},
		{"b3 FETCH 1 (NONSENSE)", "b3 BAD"},
		{`b4 SELECT "Groups/Team"`, "b4 OK"},
		{"b5 SEARCH CHARSET KOI8-R TEXT x", "b5 NO [BADCHARSET]"},
	} {
		r.send(c.cmd)
		if l := r.until(c.cmd[:3]); !strings.HasPrefix(l, c.want) {
			t.Errorf("%q answered %q, want %s…", c.cmd, l, c.want)
		}
	}
	r.send("c1 SELECT {99999999}") // a literal far over any limit, never sent
	r.send("c2 NOOP")
	if l := r.until("c1 "); !strings.HasPrefix(l, "c1 BAD") && !strings.HasPrefix(l, "c1 NO") {
		t.Errorf("an oversized literal answered %q", l)
	}
	r.ok("c3 NOOP")
	if d := mustSelect(t, e.login("alice@example.test"), "Groups/Team"); d.NumMessages != 1 {
		t.Errorf("another session sees %d messages", d.NumMessages)
	}
}

// TestThousandParallelLogins: 1,000 connections from one address log in
// at once. Each gets a clear answer (OK, or [UNAVAILABLE] beyond
// limits.max_connections_per_ip or the password checks in progress), some
// succeed, and the daemon goes on serving IMAP and HTTP.
func TestThousandParallelLogins(t *testing.T) {
	t.Parallel()
	e := start(t)
	addr := e.d.Addr("imap").String()
	n := 1000
	if testing.Short() {
		n = 200
	}
	var mu sync.Mutex
	answers := map[string]int{}
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a := loginOnce(addr)
			mu.Lock()
			answers[a]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	t.Logf("answers to %d parallel logins: %v", n, answers)
	for a := range answers {
		switch a {
		case "OK", "NO [UNAVAILABLE]", "BYE [UNAVAILABLE]":
		default:
			t.Errorf("unclear answer %q", a)
		}
	}
	if answers["OK"] == 0 || answers["OK"] == n {
		t.Errorf("%d of %d logins succeeded: want some, and the rest held back", answers["OK"], n)
	}
	// The limit counts open connections: once they are closed, anyone
	// gets in again.
	deadline := time.Now().Add(10 * time.Second)
	for loginOnce(addr) != "OK" && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	mustSelect(t, e.login("bob@example.test"), "Groups/Team")
	res, err := http.Get(e.d.URL("/healthz"))
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("healthz after the storm: %v %v", res, err)
	}
	res.Body.Close()
}

// loginOnce connects and logs in as bob, and names the answer.
func loginOnce(addr string) string {
	c, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		return "dial: " + err.Error()
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(60 * time.Second))
	br := bufio.NewReader(c)
	g, err := br.ReadString('\n')
	switch {
	case err != nil:
		return "greeting: " + err.Error()
	case strings.HasPrefix(g, "* BYE [UNAVAILABLE]"):
		return "BYE [UNAVAILABLE]"
	}
	fmt.Fprintf(c, "x LOGIN bob@example.test %s\r\n", e2etest.Password)
	for {
		l, err := br.ReadString('\n')
		if err != nil {
			return "login: " + err.Error()
		}
		switch {
		case strings.HasPrefix(l, "x OK"):
			return "OK"
		case strings.HasPrefix(l, "x NO [UNAVAILABLE]"):
			return "NO [UNAVAILABLE]"
		case strings.HasPrefix(l, "x "):
			return strings.TrimSpace(l)
		}
	}
}
