package smtp

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestSwaksSubmission drives submission with swaks as a user's mail
// client would: STARTTLS, AUTH PLAIN, then send-as allowed (alice is in
// team's senders_as) and refused (bob is not), and AUTH refused without
// TLS on a listener that is not loopback. Skipped without swaks unless CI
// is set.
func TestSwaksSubmission(t *testing.T) {
	swaks, err := exec.LookPath("swaks")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("swaks is not installed (apt-get install swaks)")
		}
		t.Skip("swaks is not installed")
	}
	w := sendersAsWorld(t)
	ca := newTestCA(t)
	addr, _ := startSubmission(t, w, ca, func(o *SubmissionOptions) { o.Loopback = ptr(false) })
	run := func(user string, extra ...string) string {
		args := append([]string{"--server", addr, "--from", user, "--to", stranger, "--helo", "swaks.example",
			"--auth", "PLAIN", "--auth-user", user, "--auth-password", "password1", "--timeout", "20",
			"--header", "From: " + teamList, "--header", "Subject: swaks as the team"}, extra...)
		out, _ := exec.Command(swaks, args...).CombinedOutput()
		return string(out)
	}
	// swaks marks lines read over TLS "<~", refusals "<~*" or "<**".
	if out := run(alice, "--tls"); !strings.Contains(out, "<~  235 ") || strings.Contains(out, "<~* ") ||
		strings.Contains(out, "<** ") {
		t.Errorf("send-as by alice over STARTTLS:\n%s", out)
	}
	if out := run(bob, "--tls"); !strings.Contains(out, "<~  235 ") || !strings.Contains(out, "<~* 550 5.7.1") ||
		!strings.Contains(out, "senders_as") {
		t.Errorf("send-as by bob was not refused with 550 5.7.1:\n%s", out)
	}
	// Without TLS the server does not offer AUTH, and swaks gives up.
	if out := run(alice); strings.Contains(out, "235 2.0.0") || !strings.Contains(out, "did not advertise authentication") {
		t.Errorf("AUTH without TLS succeeded off loopback:\n%s", out)
	}
	got := w.relay.waitRcpts(t, 1)[stranger]
	if len(got) != 1 || header(got[0], "From") != teamList {
		t.Fatalf("relay got %q", got)
	}
	w.relay.quiet(t, 200e6, 1)
}
