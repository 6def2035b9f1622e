package mail

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestSwaksPolicyMatrixAgainstDaemon: swaks, run as an administrator would
// against the running daemon's listen.smtp, shows each refusal's code and
// enhanced code and the good posts' 250; the recording relay gets each
// good post once per member and external member and nothing of the
// refused ones.
func TestSwaksPolicyMatrixAgainstDaemon(t *testing.T) {
	swaks := swaks(t)
	e := start(t, nil)
	e.list("team", []string{bob}, map[string]any{"send_restriction": "members", "external_members": []string{partner}})
	e.list("closed", nil, map[string]any{"send_restriction": "anyone", "block_external": true})
	e.list("listed", nil, map[string]any{"send_restriction": "listed", "allowed": []string{carol}})
	big := filepath.Join(t.TempDir(), "big.txt")
	if err := os.WriteFile(big, []byte("Subject: too big\n\n"+strings.Repeat(strings.Repeat("y", 99)+"\n", maxBytes/100+100)), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, from, to string
		args           []string
		want           string // the line swaks shows
	}{
		{"relay attempt", alice, "someone@other.example", nil, "<** 550 5.7.1 "},
		{"unknown address at a hosted domain", alice, "nobody@" + domain, nil, "<** 550 5.1.1 "},
		{"external sender to a block_external list", stranger, "closed@" + domain, nil, "<** 550 5.7.1 "},
		{"non-member to a members-only list", carol, team, nil, "<** 550 5.7.1 "},
		{"unlisted sender to a listed list", bob, "listed@" + domain, nil, "<** 550 5.7.1 "},
		{"oversized", bob, team, []string{"--data", "@" + big}, "<** 552 5.3.4 "},
		{"good post", bob, team, nil, "<-  250 2.0.0 "},
		{"listed sender", carol, "listed@" + domain, nil, "<-  250 2.0.0 "},
	}
	for _, c := range cases {
		args := []string{"--server", e.d.Addr("smtp").String(), "--from", c.from, "--to", c.to,
			"--helo", "swaks.example", "--timeout", "60", "--header", "Subject: " + c.name}
		out, _ := exec.Command(swaks, append(args, c.args...)...).CombinedOutput()
		if got := lastAnswer(string(out)); !strings.HasPrefix(got, c.want) {
			t.Errorf("%s: swaks shows %q as the last answer before QUIT, want %q...:\n%.3000s", c.name, got, c.want, out)
		}
	}
	got := e.settle()
	want := map[string][]string{
		alice:   {"good post", "listed sender"},
		bob:     {"good post"},
		partner: {"good post"},
	}
	for rc, msgs := range got {
		s := subjects(msgs)
		slices.Sort(s)
		if !slices.Equal(s, want[rc]) {
			t.Errorf("relay: %s got %q, want %q", rc, s, want[rc])
		}
	}
	for rc := range want {
		if got[rc] == nil {
			t.Errorf("relay: %s got nothing, want %q", rc, want[rc])
		}
	}
	if n := e.imapMessages(alice, "Groups/Team"); n != 1 {
		t.Errorf("alice sees %d messages in Groups/Team over IMAP, want 1 (the good post)", n)
	}
	if n := e.imapMessages(alice, "Groups/Closed"); n != 0 {
		t.Errorf("alice sees %d messages in Groups/Closed over IMAP, want 0", n)
	}
}

// lastAnswer is the server's last answer in a swaks transcript before
// the answer to QUIT: the one that decided the transaction.
func lastAnswer(out string) string {
	var answers []string
	for _, l := range strings.Split(out, "\n") {
		l = strings.TrimSpace(l)
		if (strings.HasPrefix(l, "<-  ") || strings.HasPrefix(l, "<** ")) && !(len(l) > 7 && l[7] == '-') {
			answers = append(answers, l)
		}
	}
	if n := len(answers); n >= 2 && strings.Contains(answers[n-1], " 221 ") {
		return answers[n-2]
	}
	return strings.Join(answers, " | ")
}
