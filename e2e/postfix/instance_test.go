package postfix

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// instance is a private Postfix: its own config, queue, data, log and
// Maildir base under dir, its smtpd on 127.0.0.1:port, its master a
// child of the test (postfix start-fg), so that it is reaped and can be
// killed by its process id.
type instance struct {
	t    *testing.T
	name string
	dir  string
	port int
	cmd  *exec.Cmd
	done chan struct{}
}

// command finds a Postfix program: on PATH, else in /usr/sbin (not on
// every user's PATH). Without it the test skips, or fails when CI is set.
func command(t *testing.T, name string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	if p := "/usr/sbin/" + name; fileExists(p) {
		return p
	}
	missing(t, name+" is not installed (apt-get install postfix)")
	return ""
}

// missing skips the test, or fails it under CI, saying why.
func missing(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatal(why)
	}
	t.Skip(why)
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// startInstance writes r's config for port and starts Postfix (see
// waitListening); it is stopped (and its directory removed) when the
// test ends, pass or fail.
func startInstance(t *testing.T, port int, r role) *instance {
	t.Helper()
	postfix := command(t, "postfix")
	if os.Geteuid() != 0 {
		missing(t, "a private Postfix instance must be started as root (its daemons drop to the postfix user)")
	}
	if _, err := user.Lookup("postfix"); err != nil {
		missing(t, "Postfix's daemons run as the user postfix (mail_owner), which the postfix package creates: "+err.Error())
	}
	setgidGroup(t)
	// Postfix's daemons run as "postfix" and must reach the queue: not
	// under t.TempDir, whose parents are private to root.
	dir, err := os.MkdirTemp("", "groupd-postfix-"+r.name+"-")
	if err != nil {
		t.Fatal(err)
	}
	in := &instance{t: t, name: r.name, dir: dir, port: port, done: make(chan struct{})}
	t.Cleanup(in.stop)
	uid := nobody()
	must(t, os.Chmod(dir, 0o755))
	must(t, os.MkdirAll(filepath.Join(dir, "queue"), 0o755))
	must(t, os.MkdirAll(filepath.Join(dir, "mail"), 0o755))
	must(t, os.Chown(filepath.Join(dir, "mail"), uid, uid))
	must(t, writeConfig(dir, port, uid, r))
	out, err := os.Create(filepath.Join(dir, "start.out"))
	must(t, err)
	defer out.Close()
	in.cmd = exec.Command(postfix, "-c", in.conf(), "start-fg")
	in.cmd.Stdout, in.cmd.Stderr = out, out
	must(t, in.cmd.Start())
	go func() { in.cmd.Wait(); close(in.done) }()
	return in
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// setgidGroup makes sure the group postdrop (setgid_group, which owns the
// queue's maildrop and public directories) exists, creating it as Debian's
// package does when a Postfix built by hand left it out.
func setgidGroup(t *testing.T) {
	t.Helper()
	if _, err := user.LookupGroup("postdrop"); err == nil {
		return
	}
	if out, err := exec.Command("groupadd", "--system", "postdrop").CombinedOutput(); err != nil {
		missing(t, fmt.Sprintf("Postfix needs the group postdrop; groupadd: %v %s", err, out))
	}
}

// nobody is the uid (and gid) the virtual delivery agent writes as.
func nobody() int {
	u, err := user.Lookup("nobody")
	if err != nil {
		return 65534
	}
	uid, _ := strconv.Atoi(u.Uid)
	return uid
}

func (in *instance) conf() string { return filepath.Join(in.dir, "conf") }
func (in *instance) addr() string { return fmt.Sprintf("127.0.0.1:%d", in.port) }

// waitListening waits until the master accepts on the smtpd port.
func (in *instance) waitListening() {
	in.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		if c, err := net.Dial("tcp", in.addr()); err == nil {
			c.Close()
			return
		}
		select {
		case <-in.done:
			in.t.Fatalf("postfix %s did not start:\n%s", in.name, in.logs())
		default:
		}
		if time.Now().After(deadline) {
			in.t.Fatalf("postfix %s does not listen on %s after 15 s:\n%s", in.name, in.addr(), in.logs())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stop runs "postfix stop", waits for the master to end, kills its
// process group (the master's own session) if it does not, and removes
// the instance's directory.
func (in *instance) stop() {
	if in.cmd != nil && in.cmd.Process != nil {
		exec.Command(command(in.t, "postfix"), "-c", in.conf(), "stop").Run()
		select {
		case <-in.done:
		case <-time.After(10 * time.Second):
			if pid := in.masterPID(); pid > 0 {
				syscall.Kill(-pid, syscall.SIGKILL)
			}
			in.cmd.Process.Kill()
			<-in.done
			in.t.Errorf("postfix %s did not stop in 10 s; killed", in.name)
		}
	}
	if in.t.Failed() {
		in.t.Logf("postfix %s log:\n%s", in.name, in.logs())
	}
	os.RemoveAll(in.dir)
}

func (in *instance) masterPID() int {
	b, _ := os.ReadFile(filepath.Join(in.dir, "queue", "pid", "master.pid"))
	pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	return pid
}

// logs is what the instance logged (maillog_file) and printed at start.
func (in *instance) logs() string {
	start, _ := os.ReadFile(filepath.Join(in.dir, "start.out"))
	log, _ := os.ReadFile(filepath.Join(in.dir, "postfix.log"))
	return string(start) + string(log)
}

// flush asks the queue manager to try every deferred message now
// (postqueue -f) instead of waiting for its timers.
func (in *instance) flush() {
	exec.Command(command(in.t, "postqueue"), "-c", in.conf(), "-f").Run()
}

// queueEmpty reports whether the instance holds no mail (postqueue -p).
func (in *instance) queueEmpty() bool {
	out, err := exec.Command(command(in.t, "postqueue"), "-c", in.conf(), "-p").CombinedOutput()
	return err == nil && strings.Contains(string(out), "Mail queue is empty")
}

// freePort is a loopback port nothing listens on right now.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
