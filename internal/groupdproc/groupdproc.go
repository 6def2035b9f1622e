package groupdproc

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
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Options says how to run the daemon.
type Options struct {
	// Bin is the groupd binary (Build makes one). Required.
	Bin string
	// Root is a directory of the run's own: groupd.toml and data/ go
	// there. Required.
	Root string
	// Relay is mail.relay. Required.
	Relay string
	// Listen names the [listen] keys bound on a free loopback port
	// ("http", "smtp", "submission", "imap"); the others are off.
	Listen []string
	// Ports fixes the loopback port of some of Listen (by name), where a
	// test needs the configured port to be the bound one: the console
	// shows apps the configured ports. Others get a free port.
	Ports map[string]int
	// Extra is TOML appended to the config (tables such as [limits]).
	Extra string
	// DSN, when set, puts the store on that PostgreSQL database
	// ([database] driver "postgres"); "" keeps SQLite in data/.
	DSN string
	// Database is TOML lines added to [database] with DSN (node_id,
	// lease).
	Database string
	// Hostname, when set, is the top-level hostname (the EHLO name its
	// queue gives the relay).
	Hostname string
}

// Proc is a running daemon.
type Proc struct {
	Cmd     *exec.Cmd
	DataDir string
	Token   string // the admin token

	done chan struct{}
	err  error // Wait's, once done is closed

	mu      sync.Mutex
	addrs   map[string]string // listener name → host:port
	stopped bool
	tail    []string // the last lines it logged
}

// Build compiles groupd into dir and returns the binary's path.
func Build(dir string) (string, error) {
	bin := filepath.Join(dir, "groupd")
	if out, err := exec.Command("go", "build", "-o", bin, "groupd").CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build groupd: %v\n%s", err, out)
	}
	return bin, nil
}

// Start writes the config, runs the daemon and waits until every
// listener of o.Listen is bound (60 s at most).
func Start(o Options) (*Proc, error) {
	p := &Proc{DataDir: filepath.Join(o.Root, "data"), addrs: map[string]string{}, done: make(chan struct{})}
	cfg := filepath.Join(o.Root, "groupd.toml")
	if err := os.WriteFile(cfg, []byte(config(o, p.DataDir)), 0o600); err != nil {
		return nil, err
	}
	p.Cmd = exec.Command(o.Bin, "-config", cfg)
	if prof := os.Getenv("GROUPD_CPUPROFILE"); prof != "" { // a benchmark's daemon, profiled
		p.Cmd.Args = append(p.Cmd.Args, "-cpuprofile", prof)
	}
	stderr, err := p.Cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := p.Cmd.Start(); err != nil {
		return nil, err
	}
	var log io.Reader = stderr
	if f := os.Getenv("GROUPDPROC_LOG"); f != "" {
		// The whole log, for a post-mortem (the Proc keeps its last 200
		// lines only).
		if lf, err := os.OpenFile(f, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600); err == nil {
			log = io.TeeReader(stderr, lf)
		}
	}
	bound := make(chan struct{})
	go p.readLog(log, len(o.Listen), bound)
	go func() { p.err = p.Cmd.Wait(); close(p.done) }()
	select {
	case <-bound:
	case <-p.done:
		return nil, fmt.Errorf("groupd exited at start: %v\n%s", p.err, p.Tail())
	case <-time.After(60 * time.Second):
		p.Stop()
		return nil, fmt.Errorf("groupd did not bind its listeners in 60 s\n%s", p.Tail())
	}
	tok, err := os.ReadFile(filepath.Join(p.DataDir, "admin-token"))
	if err != nil {
		p.Stop()
		return nil, err
	}
	p.Token = strings.TrimSpace(string(tok))
	return p, nil
}

func config(o Options, data string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "data_dir = %q\nlog_level = \"info\"\nshutdown_timeout = \"5s\"\n", data)
	if o.Hostname != "" {
		fmt.Fprintf(&b, "hostname = %q\n", o.Hostname)
	}
	if o.DSN != "" {
		fmt.Fprintf(&b, "[database]\ndriver = \"postgres\"\ndsn = %q\n%s", o.DSN, o.Database)
	}
	fmt.Fprintf(&b, "[mail]\nrelay = %q\n[listen]\n", o.Relay)
	for _, k := range []string{"smtp", "submission", "imap", "http"} {
		addr := ""
		for _, l := range o.Listen {
			if l == k {
				addr = fmt.Sprintf("127.0.0.1:%d", o.Ports[k])
			}
		}
		fmt.Fprintf(&b, "%s = %q\n", k, addr)
	}
	b.WriteString(o.Extra)
	return b.String()
}

var listeningRE = regexp.MustCompile(`msg=listening component=(\w+) addr=(\S+)`)

// readLog notes the bound addresses, closes bound once n are known, keeps
// the last 200 lines and echoes errors to stderr.
func (p *Proc) readLog(r io.Reader, n int, bound chan struct{}) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		p.mu.Lock()
		if m := listeningRE.FindStringSubmatch(line); m != nil {
			p.addrs[m[1]] = m[2]
			if len(p.addrs) == n {
				close(bound)
			}
		}
		p.tail = append(p.tail, line)
		if len(p.tail) > 200 {
			p.tail = p.tail[1:]
		}
		p.mu.Unlock()
		if strings.Contains(line, "level=ERROR") {
			fmt.Fprintln(os.Stderr, "groupd:", line)
		}
	}
}

// Addr is the bound address of listener name ("http", "smtp", ...).
func (p *Proc) Addr(name string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.addrs[name]
}

// Tail is the last lines the daemon logged.
func (p *Proc) Tail() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return strings.Join(p.tail, "\n")
}

// Exited is nil while the daemon runs, else how it ended.
func (p *Proc) Exited() error {
	select {
	case <-p.done:
		if p.err == nil {
			return errors.New("exit status 0")
		}
		return p.err
	default:
		return nil
	}
}

// Stop sends SIGTERM and waits; after 15 s it kills and says so. A second
// Stop does nothing.
func (p *Proc) Stop() error {
	p.mu.Lock()
	if p.stopped {
		p.mu.Unlock()
		return nil
	}
	p.stopped = true
	p.mu.Unlock()
	p.Cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
		if p.err != nil {
			return fmt.Errorf("groupd stopped with %v\n%s", p.err, p.Tail())
		}
		return nil
	case <-time.After(15 * time.Second):
		p.Cmd.Process.Kill()
		<-p.done
		return errors.New("groupd did not stop in 15 s after SIGTERM")
	}
}

// Kill sends SIGKILL (kill -9) and waits until the process has ended; a
// Stop after it does nothing.
func (p *Proc) Kill() {
	p.mu.Lock()
	p.stopped = true
	p.mu.Unlock()
	p.Cmd.Process.Kill()
	<-p.done
}

// API sends body as JSON with the admin token and returns the answer's
// body; a status other than want is an error naming it.
func (p *Proc) API(method, path string, body any, want int) ([]byte, error) {
	var rd io.Reader
	if body != nil {
		j, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, "http://"+p.Addr("http")+path, rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+p.Token)
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

// PeakRSS is the daemon's peak resident set size so far in bytes (VmHWM
// in /proc/PID/status, Linux); 0 when it cannot be read.
func (p *Proc) PeakRSS() int64 {
	if p.Cmd == nil || p.Cmd.Process == nil {
		return 0
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.Cmd.Process.Pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}
