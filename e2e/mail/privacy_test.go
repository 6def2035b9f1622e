package mail

import (
	"os/exec"
	"strings"
	"testing"
)

// fixedMessage is swaks' DATA from from, the same bytes on every run
// (swaks' own message carries the time).
func fixedMessage(from string) string {
	if from == "<>" {
		from = "mailer-daemon@other.example"
	}
	return "From: " + from + "\r\nTo: hall@" + domain + "\r\nSubject: probe\r\n\r\nis anyone there?\r\n"
}

// TestSwaksPrivateGroupLooksMissing: swaks, run against the daemon as an
// outsider would probe it, sees the private group's list address and
// every companion answer exactly as they answer once the group is gone
// (a missing address): the whole transcript, byte for byte, with the
// refusal at RCPT (550 5.1.1), and with a public list as a first
// recipient so that DATA is reached. A member gets 250.
func TestSwaksPrivateGroupLooksMissing(t *testing.T) {
	swaks := swaks(t)
	e := start(t, nil)
	e.d.Group(t, "secret", "Secret Club", alice, []string{bob}, map[string]any{"public": false, "notify": false})
	e.list("hall", nil, map[string]any{"send_restriction": "anyone", "block_external": false})
	run := func(from string, to ...string) string {
		out, _ := exec.Command(swaks, "--server", e.d.Addr("smtp").String(), "--from", from,
			"--to", strings.Join(to, ","), "--helo", "swaks.example", "--timeout", "60", "--data", fixedMessage(from)).CombinedOutput()
		return string(out)
	}
	var addrs []string
	for _, suffix := range []string{"", "-owner", "-join", "-bounces"} {
		addrs = append(addrs, "secret"+suffix+"@"+domain)
	}
	probes := func() map[string]string {
		out := map[string]string{}
		for _, from := range []string{carol, stranger, "<>"} {
			for _, a := range addrs {
				out[from+" to "+a] = run(from, a)
				out[from+" to hall, "+a] = run(from, "hall@"+domain, a)
			}
		}
		return out
	}
	for _, a := range addrs {
		if got := lastAnswer(run(bob, a)); !strings.HasPrefix(got, "<-  250 ") {
			t.Errorf("member to %s: swaks shows %q, want 250", a, got)
		}
	}
	private := probes()
	if code, body := e.d.API(t, "DELETE", "/api/v1/groups/secret", alice, nil); code != 204 {
		t.Fatalf("delete the group: %d %s", code, body)
	}
	missing := probes()
	for probe, got := range private {
		if !strings.Contains(got, "<** 550 5.1.1 there is no list secret") {
			t.Errorf("%s: swaks shows no 550 5.1.1 refusal:\n%s", probe, got)
		}
		if got != missing[probe] {
			t.Errorf("%s: the private group answers\n%s\nwhere the missing address answers\n%s", probe, got, missing[probe])
		}
	}
}
