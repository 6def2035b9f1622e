package main

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	goimap "github.com/emersion/go-imap/v2"
)

// dovecot is Debian's dovecot-imapd run on loopback as groupd's peer
// (issue 14), with a plain config of its own (no FTS plugin): one user
// whose INBOX is a Maildir holding the same posts, byte for byte, as
// groupd's archive.
type dovecot struct {
	bin, dir, conf, addr string
	maildir              string
	seq                  int
}

// dovecotConf is a minimal dovecot.conf (Dovecot 2.3): plaintext LOGIN on
// loopback, one static user owning dir/Maildir (uid dovecot).
const dovecotConf = `protocols = imap
listen = 127.0.0.1
base_dir = {{dir}}/run
state_dir = {{dir}}/state
log_path = {{dir}}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{{dir}}/Maildir
default_internal_user = dovecot
default_login_user = dovenull
first_valid_uid = 1
passdb {
  driver = static
  args = password=` + password + `
}
userdb {
  driver = static
  args = uid=dovecot gid=dovecot home={{dir}}/home
}
service imap-login {
  inet_listener imap {
    port = {{port}}
  }
  inet_listener imaps {
    port = 0
  }
}
`

// startDovecot writes the posts into a Maildir under dir and starts
// Dovecot on it; its index is built on the first access (cold).
func startDovecot(bin, dir string, posts [][]byte) (*dovecot, error) {
	d := &dovecot{bin: bin, dir: dir, maildir: filepath.Join(dir, "Maildir")}
	for _, sub := range []string{"cur", "new", "tmp"} {
		if err := os.MkdirAll(filepath.Join(d.maildir, sub), 0o755); err != nil {
			return nil, err
		}
	}
	for _, p := range posts {
		if err := d.write(p, "cur"); err != nil {
			return nil, err
		}
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	d.addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	conf := strings.ReplaceAll(strings.ReplaceAll(dovecotConf, "{{dir}}", dir), "{{port}}", strconv.Itoa(port))
	d.conf = filepath.Join(dir, "dovecot.conf")
	if err := os.WriteFile(d.conf, []byte(conf), 0o644); err != nil {
		return nil, err
	}
	// The mail processes run as the dovecot user: it must reach its files.
	for _, p := range []string{filepath.Dir(dir), dir} {
		os.Chmod(p, 0o755)
	}
	if out, err := exec.Command("chown", "-R", "dovecot:dovecot", d.maildir).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("chown the Maildir: %v: %s", err, out)
	}
	// Its output to a file, not a pipe: the daemon it forks would keep a
	// pipe open, and the wait for its end would never return.
	out, err := os.Create(filepath.Join(dir, "dovecot.out"))
	if err != nil {
		return nil, err
	}
	defer out.Close()
	cmd := exec.Command(bin, "-c", d.conf)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Run(); err != nil {
		said, _ := os.ReadFile(out.Name())
		return nil, fmt.Errorf("dovecot: %v: %s", err, said)
	}
	return d, d.waitReady()
}

// write stores one post in the Maildir: in cur (already seen by a
// client, as an archive's are), or in new by rename from tmp, as an MDA
// delivers (Maildir's rule); the name carries the exact size (,S=).
func (d *dovecot) write(p []byte, sub string) error {
	d.seq++
	name := fmt.Sprintf("%d.M%dP%d.bench,S=%d", time.Now().Unix(), d.seq, os.Getpid(), len(p))
	tmp := filepath.Join(d.maildir, "tmp", name)
	if err := os.WriteFile(tmp, p, 0o644); err != nil {
		return err
	}
	os.Chown(tmp, dovecotUID(), -1)
	if sub == "cur" {
		name += ":2,"
	}
	return os.Rename(tmp, filepath.Join(d.maildir, sub, name))
}

// dovecotUID is the uid of the dovecot user (-1 when unknown).
func dovecotUID() int {
	out, err := exec.Command("id", "-u", "dovecot").Output()
	if err != nil {
		return -1
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(out)))
	if err != nil {
		return -1
	}
	return n
}

func (d *dovecot) waitReady() error {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := net.Dial("tcp", d.addr); err == nil {
			c.Close()
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	log, _ := os.ReadFile(filepath.Join(d.dir, "dovecot.log"))
	return fmt.Errorf("dovecot did not listen on %s: %s", d.addr, log)
}

func (d *dovecot) stop() {
	exec.Command(d.bin, "-c", d.conf, "stop").Run()
}

func (d *dovecot) server() server {
	return server{name: "Dovecot", addr: d.addr, user: "bob", password: password, mailbox: "INBOX",
		deliver: func(i int) error { return d.write(post(i, 0), "new") }}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// archived reads every post of groupd's archive, in UID order, byte for
// byte, for the Maildir.
func archived(srv server) ([][]byte, error) {
	c, err := login(srv, nil)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	if _, err := c.Select(srv.mailbox, &goimap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		return nil, err
	}
	bs := &goimap.FetchItemBodySection{Peek: true}
	msgs, err := c.Fetch(goimap.UIDSet{{Start: 1, Stop: 0}},
		&goimap.FetchOptions{UID: true, BodySection: []*goimap.FetchItemBodySection{bs}}).Collect()
	if err != nil {
		return nil, err
	}
	out := make([][]byte, 0, len(msgs))
	for _, m := range msgs {
		out = append(out, m.FindBodySection(bs))
	}
	return out, nil
}
