package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// lockedBuffer collects a child's stderr while the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestBinary builds groupd once and runs it as a user would.
func TestBinary(t *testing.T) {
	t.Parallel()
	bin := filepath.Join(t.TempDir(), "groupd")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	t.Run("SIGTERM exits 0", func(t *testing.T) { t.Parallel(); testSignal(t, bin, syscall.SIGTERM) })
	t.Run("SIGINT exits 0", func(t *testing.T) { t.Parallel(); testSignal(t, bin, syscall.SIGINT) })
	t.Run("a second signal exits at once", func(t *testing.T) { t.Parallel(); testSecondSignal(t, bin) })
	t.Run("bad ./groupd.toml exits 1 naming every key", func(t *testing.T) { t.Parallel(); testBadConfig(t, bin) })
}

var listeningRE = regexp.MustCompile(`msg=listening component=http addr=(\S+)`)

// startBinary runs bin on a config of data_dir in a temporary directory
// plus toml (the [listen] table and more), and returns the process, its
// log and its exit; the process is killed when the test ends.
func startBinary(t *testing.T, bin, toml string, args ...string) (*exec.Cmd, *lockedBuffer, <-chan error) {
	t.Helper()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "test.toml")
	writeFile(t, cfg, `data_dir = "`+filepath.Join(dir, "data")+`"`+"\n"+toml)
	stderr := &lockedBuffer{}
	cmd := exec.Command(bin, append([]string{"-config", cfg}, args...)...)
	cmd.Dir = dir
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() { cmd.Process.Kill() })
	return cmd, stderr, done
}

func testSignal(t *testing.T, bin string, sig syscall.Signal) {
	cmd, stderr, done := startBinary(t, bin, `[listen]
smtp = ""
submission = ""
imap = ""
http = "127.0.0.1:0"
`, "-log-level", "debug")
	addr := waitListening(t, stderr, done)
	resp, err := http.Get("http://" + addr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("/healthz = %d", resp.StatusCode)
	}
	if err := cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("groupd after %v: %v\n%s", sig, err, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("groupd still running 10 s after %v\n%s", sig, stderr.String())
	}
	if _, err := os.Stat(filepath.Join(cmd.Dir, "data", "admin-token")); err != nil {
		t.Errorf("no admin token in data_dir: %v", err)
	}
}

// waitListening returns the HTTP address groupd logs, failing if it exits.
func waitListening(t *testing.T, stderr *lockedBuffer, done <-chan error) string {
	t.Helper()
	return waitLogged(t, listeningRE, stderr, done)
}

// waitLogged returns re's first group in the log once groupd logs it,
// failing if it exits first or 30 s pass.
func waitLogged(t *testing.T, re *regexp.Regexp, stderr *lockedBuffer, done <-chan error) string {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		if m := re.FindStringSubmatch(stderr.String()); m != nil {
			return m[1]
		}
		select {
		case err := <-done:
			t.Fatalf("groupd exited before listening: %v\n%s", err, stderr.String())
		case <-deadline:
			t.Fatalf("groupd not listening after 30 s\n%s", stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func testBadConfig(t *testing.T, bin string) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "groupd.toml"), `
colour = "blue"
[mail]
domains = []
[listen]
http = "nope"
`)
	cmd := exec.Command(bin) // no -config: reads ./groupd.toml
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("groupd with a bad config: %v, want exit status 1\n%s", err, out)
	}
	for _, want := range []string{"colour: unknown key", "mail.domains:", `listen.http: "nope" is not host:port`} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "data")); err == nil {
		t.Error("data_dir created despite the bad config")
	}
}

func writeFile(t *testing.T, path, body string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
}

var smtpListeningRE = regexp.MustCompile(`msg=listening component=smtp addr=(\S+)`)

// testSecondSignal: while a shutdown drains (an SMTP session holds a
// transaction open, shutdown_timeout 30s), a second SIGTERM ends the
// process at once.
func testSecondSignal(t *testing.T, bin string) {
	cmd, stderr, done := startBinary(t, bin, `shutdown_timeout = "30s"
[listen]
smtp = "127.0.0.1:0"
submission = ""
imap = ""
http = "127.0.0.1:0"
`)
	// Each listener logs on its own: wait for the SMTP one itself.
	c, err := net.Dial("tcp", waitLogged(t, smtpListeningRE, stderr, done))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	r := bufio.NewReader(c)
	r.ReadString('\n') // greeting
	fmt.Fprintf(c, "EHLO client.example\r\n")
	for {
		l, err := r.ReadString('\n')
		if err != nil || strings.HasPrefix(l, "250 ") {
			break
		}
	}
	fmt.Fprintf(c, "MAIL FROM:<x@example.test>\r\n")
	if l, _ := r.ReadString('\n'); !strings.HasPrefix(l, "250") {
		t.Fatalf("MAIL: %q", l)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-done:
		t.Fatalf("groupd left at the first SIGTERM (%v) with a session open: it did not drain\n%s", err, stderr.String())
	case <-time.After(500 * time.Millisecond):
	}
	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-done:
		if err == nil {
			t.Error("groupd exited 0 after a second signal, want killed by it")
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("groupd still running 5 s after the second SIGTERM\n%s", stderr.String())
	}
}
