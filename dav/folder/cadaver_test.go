package folder

import (
	"context"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestCadaver drives cadaver through put, lock, get, unlock and checks
// what it reports and what the server then holds.
func TestCadaver(t *testing.T) {
	bin := needBinary(t, "cadaver")
	e := newEnv(t, Options{})
	home := t.TempDir()
	u, _ := url.Parse(e.srv.URL)
	netrc := "machine " + u.Hostname() + " login bob@example.test password " + pw + "\n"
	if err := os.WriteFile(filepath.Join(home, ".netrc"), []byte(netrc), 0o600); err != nil {
		t.Fatal(err)
	}
	local := filepath.Join(home, "report.txt")
	if err := os.WriteFile(local, []byte("quarterly report\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	script := strings.Join([]string{
		"put " + local + " report.txt",
		"lock report.txt",
		"get report.txt " + filepath.Join(home, "back.txt"),
		"unlock report.txt",
		"quit",
	}, "\n") + "\n"
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, e.srv.URL+"/dav/files/team/")
	cmd.Env = append(os.Environ(), "HOME="+home)
	cmd.Dir = home
	cmd.Stdin = strings.NewReader(script)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("cadaver: %v\n%s", err, out)
	}
	text := string(out)
	if n := strings.Count(text, "succeeded"); n != 4 || strings.Contains(text, "failed") {
		t.Fatalf("cadaver reported %d successes:\n%s", n, text)
	}
	back, err := os.ReadFile(filepath.Join(home, "back.txt"))
	if err != nil || string(back) != "quarterly report\n" {
		t.Fatalf("got back %q, %v", back, err)
	}
	if got := e.get("alice", "/dav/files/team/report.txt"); got != "quarterly report\n" {
		t.Fatalf("server holds %q", got)
	}
	e.put("alice", "/dav/files/team/report.txt", "unlocked again")
}
