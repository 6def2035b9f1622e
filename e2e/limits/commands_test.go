package limits

import (
	"encoding/base64"
	"strings"
	"testing"

	"groupd/config"
)

const tooMany = "421 4.7.0 Too many commands in one session; closing"

// TestSMTPCommands: a session that only says NOOP, VRFY and RSET is
// closed with 421 4.7.0 at the limit (RFC 5321 §3.8); a new session
// posts to the list.
func TestSMTPCommands(t *testing.T) {
	d := start(t, func(l *config.Limits) { l.MaxSMTPCommands = 10 })
	d.Team(t)
	hog := dial(t, d.Addr("smtp"))
	hog.read()
	wantPrefix(t, "EHLO", hog.send("EHLO hog.example"), "250 ")
	for i, cmd := range []string{"NOOP", "VRFY bob", "RSET", "NOOP", "VRFY bob", "RSET", "NOOP", "NOOP", "NOOP"} {
		if got := hog.send(cmd); got[0] != '2' {
			t.Fatalf("command %d %s: %q", i+2, cmd, got)
		}
	}
	if got := hog.send("NOOP"); got != tooMany {
		t.Fatalf("11th command: %q, want %q", got, tooMany)
	}
	if got := hog.read(); got != "EOF" {
		t.Fatalf("after the 421: %q", got)
	}
	if logs := d.Logs.String(); strings.Count(logs, "too many commands") != 1 || !strings.Contains(logs, "ip=127.0.0.1 limit=10") {
		t.Errorf("want one log line naming the address and the limit:\n%s", logs)
	}

	c := dial(t, d.Addr("smtp"))
	c.read()
	for _, cmd := range []string{"EHLO client.example", "MAIL FROM:<alice@example.test>", "RCPT TO:<team@lists.example.test>"} {
		wantPrefix(t, cmd, c.send(cmd), "250 ")
	}
	wantPrefix(t, "DATA", c.send("DATA"), "354 ")
	wantPrefix(t, "message", c.send("From: alice@example.test\r\nSubject: still served\r\n\r\nNOOP\r\nNOOP\r\nNOOP\r\nNOOP\r\nNOOP\r\nNOOP\r\nNOOP\r\n."), "250 ")
	wantPrefix(t, "QUIT", c.send("QUIT"), "221 ")
}

// TestSubmissionCommands: the same on the submission port, logged in.
func TestSubmissionCommands(t *testing.T) {
	d := start(t, func(l *config.Limits) { l.MaxSMTPCommands = 6 })
	d.Team(t)
	c := dial(t, d.Addr("submission"))
	c.read()
	wantPrefix(t, "EHLO", c.send("EHLO client.example"), "250 ")
	plain := base64.StdEncoding.EncodeToString([]byte("\x00bob@example.test\x00password1"))
	wantPrefix(t, "AUTH", c.send("AUTH PLAIN "+plain), "235 ")
	for range 4 {
		wantPrefix(t, "NOOP", c.send("NOOP"), "250 ")
	}
	if got := c.send("NOOP"); got != tooMany {
		t.Fatalf("7th command: %q, want %q", got, tooMany)
	}
	c = dial(t, d.Addr("submission"))
	wantPrefix(t, "a new session", c.read(), "220 ")
}
