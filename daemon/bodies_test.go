package daemon

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// shortBodyLimits are bodyLimits scaled down so the tests run in seconds.
func shortBodyLimits() bodyLimits {
	return bodyLimits{PerIP: 16, PerAccount: 16, FirstByte: time.Second,
		Grace: time.Second, Window: time.Second, MinBytes: 1 << 10}
}

// startWithBodyLimits starts a daemon whose HTTP bodies are held to lim,
// with alice, bob and alice's group "team".
func startWithBodyLimits(t *testing.T, lim bodyLimits, maxRequests int) *Daemon {
	t.Helper()
	cfg := testConfig(t, t.TempDir())
	cfg.Limits.MaxHTTPRequests = maxRequests
	d, err := New(cfg, newLogger(io.Discard))
	if err != nil {
		t.Fatal(err)
	}
	d.bodies = lim
	if err := d.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		d.Shutdown(ctx)
	})
	for _, u := range []string{"alice@example.test", "bob@example.test"} {
		if c := apiCall(t, d, "POST", "/api/v1/users", "", d.token, map[string]string{"email": u, "name": u, "password": "password1"}); c != 201 {
			t.Fatalf("create %s: %d", u, c)
		}
	}
	if c := apiCall(t, d, "POST", "/api/v1/groups", "alice@example.test", "password1", map[string]any{"id": "team", "name": "Team"}); c != 201 {
		t.Fatalf("create group: %d", c)
	}
	return d
}

// TestSlowBodies (issue 16, item 5): 60 authenticated POSTs from six
// addresses, each declaring 100,000 bytes and sending one byte every
// 3 s, filled every request slot. Now /healthz and another user's API
// call answer within 1 s throughout, and each trickling body is cut
// within the rate's window.
func TestSlowBodies(t *testing.T) {
	d := startWithBodyLimits(t, shortBodyLimits(), 40)
	var cut sync.WaitGroup
	type end struct {
		took   time.Duration
		status string
	}
	ended := make(chan end, 60)
	for i := range 60 {
		cut.Add(1)
		go func() {
			defer cut.Done()
			took, status := trickle(t, d, fmt.Sprintf("127.0.0.%d", 1+i%6))
			ended <- end{took, status}
		}()
	}
	time.Sleep(500 * time.Millisecond) // the attack is under way
	for range 3 {
		answersWithin(t, time.Second, func() int { c, _ := get(t, d, "/healthz", ""); return c }, 200, "/healthz")
		answersWithin(t, time.Second, func() int {
			return apiCall(t, d, "GET", "/api/v1/users/bob@example.test", "bob@example.test", "password1", nil)
		}, 200, "bob's API call")
		time.Sleep(500 * time.Millisecond)
	}
	cut.Wait()
	close(ended)
	lim := shortBodyLimits()
	limit := lim.Grace + lim.Window + 2*time.Second
	statuses := map[string]int{}
	for e := range ended {
		statuses[e.status]++
		if e.took > limit {
			t.Errorf("a trickling body was open %v, want at most %v", e.took, limit)
		}
	}
	// alice's first 16 are cut by the rate, the rest refused at once.
	if statuses["HTTP/1.1 408 Request Timeout"] != 16 || statuses["HTTP/1.1 429 Too Many Requests"] != 44 {
		t.Errorf("answers to the trickling POSTs: %v, want 16 × 408 and 44 × 429", statuses)
	}
}

// answersWithin fails unless call returns want within max.
func answersWithin(t *testing.T, max time.Duration, call func() int, want int, what string) {
	t.Helper()
	start := time.Now()
	if got := call(); got != want || time.Since(start) > max {
		t.Errorf("%s: %d after %v, want %d within %v", what, got, time.Since(start), want, max)
	}
}

// trickle POSTs a group as alice from the address from, declaring
// 100,000 bytes and sending one every 3 s, and returns how long the
// server kept the request open (until it answered and closed) and its
// status line.
func trickle(t *testing.T, d *Daemon, from string) (took time.Duration, status string) {
	dialer := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}}
	c, err := dialer.Dial("tcp", d.Addr("http").String())
	if err != nil {
		t.Error(err)
		return 0, ""
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second)) // a hung daemon fails the test, not the run
	auth := base64.StdEncoding.EncodeToString([]byte("alice@example.test:password1"))
	start := time.Now()
	fmt.Fprintf(c, "POST /api/v1/groups HTTP/1.1\r\nHost: groupd\r\nAuthorization: Basic %s\r\n"+
		"Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{", auth)
	answered := make(chan struct{})
	go func() {
		defer close(answered)
		b, _ := io.ReadAll(c) // until the server closes
		status = strings.SplitN(string(b), "\r\n", 2)[0]
	}()
	for {
		select {
		case <-answered:
			return time.Since(start), status
		case <-time.After(3 * time.Second):
			if _, err := c.Write([]byte(" ")); err != nil {
				<-answered
				return time.Since(start), status
			}
		}
	}
}

// TestFlowingUploads: uploads whose bodies flow are never cut, however
// long they take: 20 MiB at full speed, and 192 KiB at 64 KiB/s.
func TestFlowingUploads(t *testing.T) {
	d := startWithBodyLimits(t, shortBodyLimits(), 40)
	big := bytes.Repeat([]byte("0123456789abcdef"), 20<<20/16)
	if code := put(t, d, "/dav/files/team/big.bin", bytes.NewReader(big)); code != 201 {
		t.Fatalf("20 MiB at full speed: %d", code)
	}
	slow := &throttled{r: bytes.NewReader(big[:192<<10]), chunk: 8 << 10, every: 125 * time.Millisecond}
	start := time.Now()
	if code := put(t, d, "/dav/files/team/slow.bin", slow); code != 201 {
		t.Fatalf("192 KiB at 64 KiB/s: %d after %v", code, time.Since(start))
	}
	if took := time.Since(start); took < 2*time.Second {
		t.Fatalf("the throttled upload took %v: not throttled", took)
	}
}

// put uploads body as alice and returns the status.
func put(t *testing.T, d *Daemon, path string, body io.Reader) int {
	t.Helper()
	req, err := http.NewRequest("PUT", "http://"+d.Addr("http").String()+path, body)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth("alice@example.test", "password1")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 201 {
		t.Logf("PUT %s: %s", path, strings.TrimSpace(string(b)))
	}
	return res.StatusCode
}

// throttled reads chunk bytes of r every so often.
type throttled struct {
	r     io.Reader
	chunk int
	every time.Duration
}

func (s *throttled) Read(p []byte) (int, error) {
	time.Sleep(s.every)
	if len(p) > s.chunk {
		p = p[:s.chunk]
	}
	return s.r.Read(p)
}

// TestBodiesPerAccount: beyond PerAccount requests with bodies in
// progress, the account's next gets 429 with Retry-After and a
// sentence; another account's upload is served.
func TestBodiesPerAccount(t *testing.T) {
	lim := shortBodyLimits()
	lim.PerAccount = 2
	d := startWithBodyLimits(t, lim, 40)
	for range 2 {
		go trickle(t, d, "127.0.0.1")
	}
	time.Sleep(300 * time.Millisecond)
	c, err := net.Dial("tcp", d.Addr("http").String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	auth := base64.StdEncoding.EncodeToString([]byte("alice@example.test:password1"))
	fmt.Fprintf(c, "POST /api/v1/groups HTTP/1.1\r\nHost: groupd\r\nAuthorization: Basic %s\r\nContent-Length: 2\r\n\r\n{}", auth)
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 429 || res.Header.Get("Retry-After") == "" || !strings.Contains(string(b), "Too many uploads in progress for your account: 2") {
		t.Fatalf("third upload: %d %q %s", res.StatusCode, res.Header.Get("Retry-After"), b)
	}
	if code := apiCall(t, d, "POST", "/api/v1/groups", "bob@example.test", "password1", map[string]any{"id": "bobs", "name": "Bob's"}); code != 201 {
		t.Fatalf("bob's request: %d", code)
	}
}
