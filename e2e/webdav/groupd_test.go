package webdav

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"groupd/e2e/internal/e2etest"
)

// proc is the groupd binary running on a data_dir.
type proc struct {
	cmd  *exec.Cmd
	base string // http://127.0.0.1:N
	logs *e2etest.LogBuffer
	once sync.Once
}

var httpListening = regexp.MustCompile(`msg=listening component=http addr=(\S+)`)

// buildGroupd builds the daemon's binary and writes a config for it: HTTP
// on a free loopback port, the mail listeners off, data in data.
func buildGroupd(t *testing.T, data string) (bin, conf string) {
	t.Helper()
	dir := t.TempDir()
	bin, conf = filepath.Join(dir, "groupd"), filepath.Join(dir, "groupd.toml")
	if out, err := exec.Command("go", "build", "-o", bin, "groupd").CombinedOutput(); err != nil {
		t.Fatalf("go build groupd: %v\n%s", err, out)
	}
	c := fmt.Sprintf("data_dir = %q\nshutdown_timeout = \"2s\"\n[mail]\nrelay = \"127.0.0.1:9\"\n"+
		"[listen]\nsmtp = \"\"\nsubmission = \"\"\nimap = \"\"\nhttp = \"127.0.0.1:0\"\n", data)
	if err := os.WriteFile(conf, []byte(c), 0o600); err != nil {
		t.Fatal(err)
	}
	return bin, conf
}

// runGroupd starts the binary and waits until HTTP listens; the process is
// killed when the test ends.
func runGroupd(t *testing.T, bin, conf string) *proc {
	t.Helper()
	p := &proc{cmd: exec.Command(bin, "-config", conf), logs: &e2etest.LogBuffer{}}
	p.cmd.Stderr = p.logs
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.kill)
	for deadline := time.Now().Add(30 * time.Second); p.base == ""; time.Sleep(20 * time.Millisecond) {
		if m := httpListening.FindStringSubmatch(p.logs.String()); m != nil {
			p.base = "http://" + m[1]
		}
		if time.Now().After(deadline) {
			t.Fatalf("groupd did not start:\n%s", p.logs)
		}
	}
	return p
}

// kill sends SIGKILL (kill -9) and reaps the process.
func (p *proc) kill() {
	p.once.Do(func() {
		p.cmd.Process.Kill()
		p.cmd.Wait()
	})
}

// do sends a request as user with the password, or with the admin token
// when user is "".
func (p *proc) do(t *testing.T, method, path, user, token string, body io.Reader, n int64) (*http.Response, error) {
	t.Helper()
	req, err := http.NewRequest(method, p.base+path, body)
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = n
	if user != "" {
		req.SetBasicAuth(user, pw)
	} else {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return http.DefaultClient.Do(req)
}

// must sends a request that must be answered with code.
func (p *proc) must(t *testing.T, code int, method, path, user, token, body string) string {
	t.Helper()
	resp, err := p.do(t, method, path, user, token, strings.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != code {
		t.Fatalf("%s %s: %d, want %d: %s", method, path, resp.StatusCode, code, b)
	}
	return string(b)
}

// zeros yields n zero bytes; once a fifth is out it closes reached and
// then slows down, to be killed meanwhile.
type zeros struct {
	n, done int64
	reached chan struct{}
}

func (z *zeros) Read(p []byte) (int, error) {
	if z.done >= z.n {
		return 0, io.EOF
	}
	if z.done >= z.n/5 && z.reached != nil {
		close(z.reached)
		z.reached = nil
		time.Sleep(time.Second)
	}
	k := int(min(int64(len(p)), z.n-z.done))
	clear(p[:k])
	z.done += int64(k)
	return k, nil
}
