package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// daemon is the real groupd, run from its binary on a generated config.
type daemon struct {
	cmd   *exec.Cmd
	data  string            // data_dir
	addrs map[string]string // listener name → bound address
	token string            // admin token
}

// configTOML puts every listener the bench needs on a free loopback port
// and the relay on the bench's discard server.
const configTOML = `data_dir = %q
log_level = "info"
shutdown_timeout = "5s"
[mail]
relay = %q
[listen]
smtp = "127.0.0.1:0"
submission = ""
imap = "127.0.0.1:0"
http = "127.0.0.1:0"
`

// startDaemon runs bin with a fresh data_dir under root and waits until
// its HTTP, SMTP and IMAP listeners are bound (their addresses come from
// its log's "listening" lines).
func startDaemon(bin, root, relay string) (*daemon, error) {
	d := &daemon{data: filepath.Join(root, "data"), addrs: map[string]string{}}
	conf := filepath.Join(root, "groupd.toml")
	if err := os.WriteFile(conf, []byte(fmt.Sprintf(configTOML, d.data, relay)), 0o600); err != nil {
		return nil, err
	}
	d.cmd = exec.Command(bin, "-config", conf)
	logs, err := d.cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := d.cmd.Start(); err != nil {
		return nil, err
	}
	ready := make(chan map[string]string, 1)
	go watchLog(logs, ready)
	select {
	case d.addrs = <-ready:
	case <-time.After(60 * time.Second):
		d.stop()
		return nil, fmt.Errorf("groupd did not listen within 60 s")
	}
	tok, err := os.ReadFile(filepath.Join(d.data, "admin-token"))
	if err != nil {
		d.stop()
		return nil, err
	}
	d.token = strings.TrimSpace(string(tok))
	return d, nil
}

// watchLog sends the bound addresses once http, smtp and imap are known,
// then drains the log.
func watchLog(r io.Reader, ready chan<- map[string]string) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	addrs := map[string]string{}
	for sc.Scan() && ready != nil {
		line := sc.Text()
		if !strings.Contains(line, "msg=listening") {
			continue
		}
		addrs[field(line, "component")] = field(line, "addr")
		if addrs["http"] != "" && addrs["smtp"] != "" && addrs["imap"] != "" {
			ready <- addrs
			ready = nil
		}
	}
	io.Copy(io.Discard, r)
}

// field is the value of key=value in a slog text line.
func field(line, key string) string {
	_, rest, ok := strings.Cut(line, " "+key+"=")
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(rest, " ")
	return v
}

// stop sends SIGTERM and waits; after 10 s it kills.
func (d *daemon) stop() {
	d.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { d.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		d.cmd.Process.Kill()
		<-done
	}
}

// seed creates alice and bob and the group "team" (display name "Team",
// list team@lists.example.test) with alice master and bob member, over
// the admin API (SPEC §3).
func (d *daemon) seed() error {
	for _, u := range []string{"alice@example.test", "bob@example.test"} {
		if err := d.api("POST", "/api/v1/users", map[string]string{"email": u, "name": u, "password": password}); err != nil {
			return err
		}
	}
	return d.api("POST", "/api/v1/groups", map[string]any{"id": "team", "name": "Team", "notify": false,
		"masters": []string{"alice@example.test"}, "members": []string{"bob@example.test"}})
}

func (d *daemon) api(method, path string, body any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	req, err := http.NewRequest(method, "http://"+d.addrs["http"]+path, strings.NewReader(string(b)))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+d.token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	msg, _ := io.ReadAll(res.Body)
	if res.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %d %s", method, path, res.StatusCode, msg)
	}
	return nil
}
