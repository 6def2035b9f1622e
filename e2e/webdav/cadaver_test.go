package webdav

import (
	"context"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

var lockToken = regexp.MustCompile(`urn:uuid:[0-9a-f-]{36}`)

// TestCadaver drives cadaver through a script of put, lock, get and
// unlock against the daemon and checks what it reports and what the
// server then holds: while cadaver holds the lock another member cannot
// write, afterwards they can.
func TestCadaver(t *testing.T) {
	bin := needBinary(t, "cadaver")
	e := start(t, nil)
	home := t.TempDir()
	u, _ := url.Parse(e.url("/"))
	netrc := "machine " + u.Hostname() + " login bob@example.test password " + pw + "\n"
	if err := os.WriteFile(filepath.Join(home, ".netrc"), []byte(netrc), 0o600); err != nil {
		t.Fatal(err)
	}
	local := filepath.Join(home, "report.txt")
	if err := os.WriteFile(local, []byte("quarterly report\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(cmds ...string) string {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, bin, e.url("/dav/files/team/"))
		cmd.Env = append(os.Environ(), "HOME="+home)
		cmd.Dir = home
		cmd.Stdin = strings.NewReader(strings.Join(append(cmds, "quit"), "\n") + "\n")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("cadaver: %v\n%s", err, out)
		}
		return string(out)
	}
	out := run("put "+local+" report.txt", "lock report.txt",
		"get report.txt "+filepath.Join(home, "back.txt"))
	if n := strings.Count(out, "succeeded"); n != 3 || strings.Contains(out, "failed") {
		t.Fatalf("cadaver reported %d successes, want 3:\n%s", n, out)
	}
	back, err := os.ReadFile(filepath.Join(home, "back.txt"))
	if err != nil || string(back) != "quarterly report\n" {
		t.Fatalf("got back %q, %v", back, err)
	}
	// cadaver's lock outlives its session (it does not unlock on quit): it
	// guards the file against another member.
	e.want(423, "alice", "PUT", "/dav/files/team/report.txt", "alice's edit", nil)
	b := e.want(207, "alice", "PROPFIND", "/dav/files/team/report.txt", propfindAll, hdr{"Depth": "0"})
	tok := lockToken.FindString(b)
	if tok == "" {
		t.Fatalf("no lock in lockdiscovery:\n%s", b)
	}
	// A new session discovers the lock and, given its token (cadaver asks
	// for it), removes it.
	out = run("discover report.txt", "unlock report.txt", tok)
	if !strings.Contains(out, tok) || !strings.Contains(out, "succeeded") || strings.Contains(out, "failed") {
		t.Fatalf("cadaver unlock:\n%s", out)
	}
	if got := e.get("alice", "/dav/files/team/report.txt"); got != "quarterly report\n" {
		t.Fatalf("server holds %q", got)
	}
	e.put("alice", "/dav/files/team/report.txt", "unlocked again")
}
