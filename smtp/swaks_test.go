package smtp

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"groupd/groups"
)

// TestSwaksPolicyMatrix drives the real server with swaks (the Debian
// package), as an administrator would check a deployment: each refusal's
// code and enhanced code, and a good post that reaches the relay. Skipped
// without swaks unless CI is set.
func TestSwaksPolicyMatrix(t *testing.T) {
	swaks, err := exec.LookPath("swaks")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("swaks is not installed (apt-get install swaks)")
		}
		t.Skip("swaks is not installed")
	}
	w := newWorld(t, nil, func(o *Options) { o.MaxMessageBytes = 64 << 10 })
	addGroup(t, w.st, "closed", []string{alice}, nil, &groups.ListSpec{SendRestriction: ptr("anyone"), BlockExternal: ptr(true)})
	w.startQueue(t, nil)
	big := filepath.Join(t.TempDir(), "big.txt")
	os.WriteFile(big, []byte(strings.Repeat(strings.Repeat("y", 99)+"\n", 1000)), 0o600)
	cases := []struct {
		name, from, to string
		args           []string
		want           string // the answer swaks shows
	}{
		{"relay attempt", alice, "someone@other.example", nil, "<** 550 5.7.1"},
		{"unknown address", alice, "nobody@" + listDomain, nil, "<** 550 5.1.1"},
		{"external sender to block_external list", stranger, "closed@" + listDomain, nil, "<** 550 5.7.1"},
		{"non-member to members list", carol, teamList, nil, "<** 550 5.7.1"},
		{"oversized", bob, teamList, []string{"--body", "@" + big}, "<** 552 5.3.4"},
		{"good post", bob, teamList, []string{"--header", "Subject: swaks says hello"}, "<-  250 "},
	}
	for _, c := range cases {
		args := append([]string{"--server", w.addr, "--from", c.from, "--to", c.to, "--helo", "swaks.example",
			"--timeout", "20"}, c.args...)
		out, _ := exec.Command(swaks, args...).CombinedOutput()
		if !strings.Contains(string(out), c.want) {
			t.Errorf("%s: swaks output lacks %q:\n%s", c.name, c.want, out)
		}
	}
	got := w.relay.waitRcpts(t, 3)
	if header(got[partner][0], "Subject") != "swaks says hello" {
		t.Fatalf("relay got %q", got[partner][0])
	}
}
