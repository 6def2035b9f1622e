package smtp

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"groupd/internal/testkit"
)

// TestSubmissionAuthRequired530: MAIL before AUTH on submission is
// "530 5.7.0 Authentication required" (RFC 4954 §6), not go-smtp's 502,
// which RFC 5321 §4.2.4 keeps for a command not implemented.
func TestSubmissionAuthRequired530(t *testing.T) {
	w := sendersAsWorld(t)
	ca := newTestCA(t)
	addr, _ := startSubmission(t, w, ca, nil)
	got := testkit.Transcript(t, addr, bob, []byte("Subject: x\r\n\r\nx"), teamList)
	if len(got) < 3 || got[2] != "MAIL FROM:<"+bob+"> => 530 5.7.0 Authentication required\r\n" {
		t.Fatalf("MAIL before AUTH:\n%s", strings.Join(got, "\n"))
	}
}

// TestSwaksSubmissionNoAuth: swaks without --auth, as a misconfigured
// client would send, reads 530 5.7.0 at MAIL (RFC 4954 §6). Skipped
// without swaks unless CI is set.
func TestSwaksSubmissionNoAuth(t *testing.T) {
	swaks, err := exec.LookPath("swaks")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("swaks is not installed (apt-get install swaks)")
		}
		t.Skip("swaks is not installed")
	}
	w := sendersAsWorld(t)
	ca := newTestCA(t)
	addr, _ := startSubmission(t, w, ca, nil)
	out, _ := exec.Command(swaks, "--server", addr, "--from", bob, "--to", teamList,
		"--helo", "swaks.example", "--timeout", "20").CombinedOutput()
	if !strings.Contains(string(out), "<** 530 5.7.0 Authentication required") {
		t.Fatalf("swaks without AUTH:\n%s", out)
	}
}
