package imap

import (
	"bufio"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"

	"groupd/groups"
)

// raw is a plain TCP IMAP conversation, to send what no client library would.
type raw struct {
	t  *testing.T
	c  net.Conn
	br *bufio.Reader
}

func (e *env) raw(t *testing.T) *raw {
	t.Helper()
	c, err := net.Dial("tcp", e.addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	r := &raw{t: t, c: c, br: bufio.NewReader(c)}
	if g := r.line(); !strings.HasPrefix(g, "* OK") {
		t.Fatalf("greeting %q", g)
	}
	return r
}

func (r *raw) send(s string) {
	r.t.Helper()
	r.c.SetWriteDeadline(time.Now().Add(5 * time.Second))
	if _, err := r.c.Write([]byte(s)); err != nil {
		r.t.Fatalf("write: %v", err)
	}
}

func (r *raw) line() string {
	r.t.Helper()
	r.c.SetReadDeadline(time.Now().Add(5 * time.Second))
	l, err := r.br.ReadString('\n')
	if err != nil {
		r.t.Fatalf("read: %v (got %q)", err, l)
	}
	return strings.TrimRight(l, "\r\n")
}

// until reads lines up to the one starting with prefix and returns it.
func (r *raw) until(prefix string) string {
	r.t.Helper()
	for {
		if l := r.line(); strings.HasPrefix(l, prefix) {
			return l
		}
	}
}

func (r *raw) login() {
	r.send("l LOGIN bob@example.test " + password + "\r\n")
	if l := r.until("l "); !strings.HasPrefix(l, "l OK") {
		r.t.Fatalf("login: %q", l)
	}
}

func TestOverlongLine(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(o *Options) { o.MaxLineLength = 4096 })
	r := e.raw(t)
	r.send("a1 LOGIN " + strings.Repeat("x", 10000))
	if l := r.line(); !strings.HasPrefix(l, "* BYE [TOOBIG]") {
		t.Fatalf("overlong line answered %q", l)
	}
	e.login(t, "bob@example.test") // the server keeps serving
}

func TestBadCommandsAndLiterals(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.post(t, "team", message("one", "1"))
	r := e.raw(t)
	r.login()
	for _, c := range []struct{ cmd, want string }{
		{"a1 FROBNICATE now\r\n", "a1 BAD"},
		{"a2 SELECT {12\r\n", "a2 BAD"},
		{"a4 FETCH 1:* (NONSENSE)\r\n", "a4 BAD"},
		{"a5 SEARCH CHARSET KOI8-R TEXT x\r\n", "a5 NO [BADCHARSET]"},
		{"a6 FETCH 1 BODY[]\r\n", "a6 BAD"}, // no mailbox selected
		{"a7 SELECT \"Groups/Team\"\r\n", "a7 OK"},
		{"a8 FETCH x:y FLAGS\r\n", "a8 "},                    // the library answers NO [SERVERBUG] to a bad set; the session goes on
		{"a9 UID FETCH 7777:* UID\r\n", "* 1 FETCH (UID 1)"}, // N:* names the last message (RFC 3501 §9)
		{"b1 STORE 1 +FLAGS (\\Recent)\r\n", "b1 BAD"},
		{"b2 NOOP\r\n", "b2 OK"},
	} {
		r.send(c.cmd)
		prefix := c.cmd[:3]
		if strings.HasPrefix(c.want, "* ") {
			prefix = "* "
		}
		if l := r.until(prefix); !strings.HasPrefix(l, c.want) {
			t.Errorf("%q answered %q, want %s…", strings.TrimSpace(c.cmd), l, c.want)
		}
	}
}

// An oversized literal is refused without being read. (The library then
// takes the client's next line as the rest of the refused command and
// answers it BAD; the session goes on.)
func TestOversizedLiteral(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := e.raw(t)
	r.login()
	r.send("a3 SELECT {999999}\r\n")
	r.send("a4 NOOP\r\n")
	if l := r.until("a3 "); !strings.HasPrefix(l, "a3 BAD") && !strings.HasPrefix(l, "a3 NO") {
		t.Fatalf("oversized literal answered %q", l)
	}
	r.send("a5 NOOP\r\n")
	if l := r.until("a5 "); !strings.HasPrefix(l, "a5 OK") {
		t.Fatalf("after the oversized literal NOOP answered %q", l)
	}
}

func TestUnknownCommandBeforeLogin(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := e.raw(t)
	r.send("GET / HTTP/1.1\r\n")
	if l := r.until("* BYE"); !strings.Contains(l, "Unknown command") {
		t.Fatalf("answered %q", l)
	}
}

func TestLoginFailuresThrottled(t *testing.T) {
	t.Parallel()
	e := newEnvThrottle(t, groups.ThrottleOptions{SlowAfter: 2, RefuseAfter: 3, Delay: time.Millisecond})
	r := e.raw(t)
	for i := 0; i < 3; i++ {
		r.send(fmt.Sprintf("f%d LOGIN bob@example.test wrong-password\r\n", i))
		if l := r.until(fmt.Sprintf("f%d ", i)); !strings.HasPrefix(l, fmt.Sprintf("f%d NO [AUTHENTICATIONFAILED]", i)) {
			t.Fatalf("wrong password answered %q", l)
		}
	}
	r.send("g LOGIN bob@example.test " + password + "\r\n")
	if l := r.until("g "); !strings.HasPrefix(l, "g NO [UNAVAILABLE]") {
		t.Fatalf("after 3 failures a login answered %q", l)
	}
}

func TestAuthenticatePlain(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.dial(t)
	if err := c.Authenticate(sasl.NewPlainClient("", "bob@example.test", password)); err != nil {
		t.Fatal(err)
	}
	mustSelect(t, c, "Groups/Team")
	bad := e.dial(t)
	wantNo(t, "AUTHENTICATE with a wrong password", bad.Authenticate(sasl.NewPlainClient("", "bob@example.test", "nope-nope")), "")
}

// Many parallel logins from one address: every one gets a clear answer
// (OK, NO [UNAVAILABLE] or BYE), and the server serves afterwards.
func TestManyParallelLogins(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(o *Options) { o.LoginWait = 2 * time.Second })
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
			a := parallelLogin(e.addr)
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
	if answers["OK"] == 0 {
		t.Error("no login succeeded")
	}
	mustSelect(t, e.login(t, "bob@example.test"), "Groups/Team")
}

func parallelLogin(addr string) string {
	c, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		return "dial: " + err.Error()
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	br := bufio.NewReader(c)
	g, err := br.ReadString('\n')
	if err != nil {
		return "greeting: " + err.Error()
	}
	if strings.HasPrefix(g, "* BYE [UNAVAILABLE]") {
		return "BYE [UNAVAILABLE]"
	}
	fmt.Fprintf(c, "x LOGIN bob@example.test %s\r\n", password)
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
