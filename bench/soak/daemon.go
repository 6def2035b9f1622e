package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"time"
)

const password = "soak-password-1"

// daemon is the groupd process under load.
type daemon struct {
	cmd   *exec.Cmd
	addrs map[string]string // listener name → host:port, from its log
	token string
	done  chan struct{}
	err   error // Wait's, once done is closed

	mu      sync.Mutex
	stopped bool
	logTail []string // the last lines it logged
}

// The config: every listener on a free loopback port (logged at start),
// the relay a sink of ours, [limits] left at their defaults (the load must
// not trip them).
const configTOML = `hostname = "lists.example.test"
data_dir = %q
log_level = "info"
[mail]
domains = ["lists.example.test"]
internal_domains = ["example.test"]
relay = %q
[listen]
smtp = "127.0.0.1:0"
submission = "127.0.0.1:0"
imap = "127.0.0.1:0"
http = "127.0.0.1:0"
`

var listeningRE = regexp.MustCompile(`msg=listening component=(\w+) addr=(\S+)`)

// startDaemon writes the config into dir, starts bin and waits until
// every listener is bound and /healthz answers.
func startDaemon(bin, dir, relay string) (*daemon, error) {
	cfg := filepath.Join(dir, "groupd.toml")
	if err := os.WriteFile(cfg, fmt.Appendf(nil, configTOML, filepath.Join(dir, "data"), relay), 0o600); err != nil {
		return nil, err
	}
	d := &daemon{cmd: exec.Command(bin, "-config", cfg), addrs: map[string]string{}, done: make(chan struct{})}
	stderr, err := d.cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := d.cmd.Start(); err != nil {
		return nil, err
	}
	bound := make(chan struct{})
	go d.readLog(stderr, bound)
	go func() { d.err = d.cmd.Wait(); close(d.done) }()
	select {
	case <-bound:
	case <-d.done:
		return nil, fmt.Errorf("groupd exited at start: %v\n%s", d.err, d.tail())
	case <-time.After(60 * time.Second):
		d.stop()
		return nil, fmt.Errorf("groupd did not bind its listeners in 60 s\n%s", d.tail())
	}
	tok, err := os.ReadFile(filepath.Join(dir, "data", "admin-token"))
	if err != nil {
		d.stop()
		return nil, err
	}
	d.token = strings.TrimSpace(string(tok))
	return d, nil
}

// readLog keeps the log's tail and the listeners' addresses; bound is
// closed once the four are known.
func (d *daemon) readLog(r io.Reader, bound chan struct{}) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	closed := false
	for sc.Scan() {
		line := sc.Text()
		d.mu.Lock()
		if m := listeningRE.FindStringSubmatch(line); m != nil {
			d.addrs[m[1]] = m[2]
		}
		if !closed && len(d.addrs) == 4 {
			closed = true
			close(bound)
		}
		d.logTail = append(d.logTail, line)
		if len(d.logTail) > 200 {
			d.logTail = d.logTail[1:]
		}
		d.mu.Unlock()
		if strings.Contains(line, "level=ERROR") {
			fmt.Fprintln(os.Stderr, "groupd:", line)
		}
	}
}

func (d *daemon) tail() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return strings.Join(d.logTail, "\n")
}

func (d *daemon) addr(name string) string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.addrs[name]
}

// exited is Wait's result when the process has ended early, else nil.
func (d *daemon) exited() error {
	select {
	case <-d.done:
		if d.err == nil {
			return errors.New("exit status 0")
		}
		return d.err
	default:
		return nil
	}
}

// stop sends SIGTERM and waits for a clean exit (15 s, then SIGKILL).
func (d *daemon) stop() error {
	d.mu.Lock()
	if d.stopped {
		d.mu.Unlock()
		return nil
	}
	d.stopped = true
	d.mu.Unlock()
	d.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-d.done:
		if d.err != nil {
			return fmt.Errorf("groupd stopped with %v\n%s", d.err, d.tail())
		}
		return nil
	case <-time.After(15 * time.Second):
		d.cmd.Process.Kill()
		<-d.done
		return fmt.Errorf("groupd did not stop in 15 s after SIGTERM")
	}
}

// api sends a JSON request with the admin token; want is the status.
func (d *daemon) api(method, path string, body any, want int) ([]byte, error) {
	var rd io.Reader
	if body != nil {
		j, _ := json.Marshal(body)
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, "http://"+d.addr("http")+path, rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+d.token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		return b, fmt.Errorf("%s %s: %d %s", method, path, res.StatusCode, b)
	}
	return b, nil
}

// seed creates alice (master), bob and members of the group "team" (SPEC
// §3): its list team@lists.example.test, calendar and folder.
func (d *daemon) seed(workers int) error {
	users := []string{"alice@example.test", "bob@example.test"}
	for i := range 10 {
		users = append(users, fmt.Sprintf("member%02d@example.test", i))
	}
	for _, u := range users {
		if _, err := d.api("POST", "/api/v1/users", map[string]string{"email": u, "name": u, "password": password}, 201); err != nil {
			return err
		}
	}
	_, err := d.api("POST", "/api/v1/groups", map[string]any{"id": "team", "name": "Team",
		"masters": []string{"alice@example.test"}, "members": users[1:]}, 201)
	return err
}
