package main

import (
	"bufio"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	_ "github.com/mattn/go-sqlite3"
)

// groupd is the real daemon, run from its binary on a generated config
// with everything on loopback.
type groupd struct {
	cmd   *exec.Cmd
	dir   string // data_dir
	http  string
	smtp  string
	token string
}

// config is the generated groupd.toml: SMTP and HTTP on free ports,
// submission and IMAP off, relay the sink, log at info as shipped.
const config = `data_dir = %q
shutdown_timeout = "5s"
log_level = "info"
[mail]
relay = %q
[listen]
smtp = "127.0.0.1:0"
submission = ""
imap = ""
http = "127.0.0.1:0"
`

var listeningRE = regexp.MustCompile(`msg=listening component=(\w+) addr=(\S+)`)

// startGroupd runs bin on a fresh data_dir under root and waits until it
// listens; its log is read for the bound addresses, then discarded.
func startGroupd(bin, root, relay string) (*groupd, error) {
	g := &groupd{dir: filepath.Join(root, "data")}
	cfg := filepath.Join(root, "groupd.toml")
	if err := os.WriteFile(cfg, []byte(fmt.Sprintf(config, g.dir, relay)), 0o600); err != nil {
		return nil, err
	}
	g.cmd = exec.Command(bin, "-config", cfg)
	logs, err := g.cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := g.cmd.Start(); err != nil {
		return nil, err
	}
	ready := make(chan struct{})
	go g.readLog(logs, ready)
	select {
	case <-ready:
	case <-time.After(60 * time.Second):
		stop(g.cmd)
		return nil, fmt.Errorf("groupd did not start")
	}
	tok, err := os.ReadFile(filepath.Join(g.dir, "admin-token"))
	if err != nil {
		stop(g.cmd)
		return nil, err
	}
	g.token = strings.TrimSpace(string(tok))
	return g, nil
}

// readLog picks the HTTP and SMTP addresses out of the log, closes ready
// once both are known, and drains the rest.
func (g *groupd) readLog(r io.Reader, ready chan struct{}) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var httpAddr, smtpAddr string
	for sc.Scan() {
		if ready == nil {
			continue
		}
		if m := listeningRE.FindStringSubmatch(sc.Text()); m != nil {
			switch m[1] {
			case "http":
				httpAddr = m[2]
			case "smtp":
				smtpAddr = m[2]
			}
		}
		if httpAddr != "" && smtpAddr != "" {
			g.http, g.smtp = httpAddr, smtpAddr
			close(ready)
			ready = nil
		}
	}
	io.Copy(io.Discard, r)
}

// seed creates, over the admin API (SPEC §3), the user owner@example.test
// and list id@lists.example.test that anyone may post to, with the owner
// as master and rcpts-1 external members r<i>@sink.example: rcpts
// recipients in all.
func (g *groupd) seed(id string, rcpts int) error {
	if err := g.api("POST", "/api/v1/users", map[string]string{
		"email": "owner@example.test", "name": "Owner", "password": "password1"}); err != nil &&
		!strings.Contains(err.Error(), " 409 ") {
		return err
	}
	ext := make([]string, rcpts-1)
	for i := range ext {
		ext[i] = fmt.Sprintf("r%05d@sink.example", i)
	}
	return g.api("POST", "/api/v1/groups", map[string]any{
		"id": id, "name": strings.ToUpper(id[:1]) + id[1:], "external": true, "notify": false,
		"masters":      []string{"owner@example.test"},
		"mailing_list": map[string]any{"send_restriction": "anyone", "external_members": ext},
	})
}

func (g *groupd) api(method, path string, body any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	req, err := http.NewRequest(method, "http://"+g.http+path, strings.NewReader(string(b)))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+g.token)
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

// sent counts the queue rows groupd has recorded as handed to the relay.
// The bench reads the daemon's database (read-only, as an observer) only
// to know when a fan-out is complete; the time it reports comes from the
// relay.
func (g *groupd) sent() (int, error) {
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(g.dir, "groupd.db")+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		return 0, err
	}
	defer db.Close()
	var n int
	err = db.QueryRow(`SELECT COUNT(*) FROM outbound_rcpts WHERE state = 'sent'`).Scan(&n)
	return n, err
}
