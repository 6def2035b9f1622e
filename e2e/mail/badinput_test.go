package mail

import (
	"slices"
	"strings"
	"testing"

	"groupd/internal/testkit"
)

// rawPost sends data byte for byte to rcpt over the daemon's inbound
// SMTP port (testkit.RawPost).
func (e *env) rawPost(from, rcpt string, data []byte) string {
	e.t.Helper()
	return testkit.RawPost(e.t, e.d.Addr("smtp").String(), from, rcpt, data)
}

// TestBadInputAgainstDaemon: each broken or hostile message gets a clear
// SMTP answer from the daemon; afterwards it still takes a good post, and
// nothing is half-stored: the archive (as alice reads it over IMAP), the
// outbound queue and the relay hold exactly the accepted posts, and no
// copy carries an injected Bcc or reaches the injected address.
func TestBadInputAgainstDaemon(t *testing.T) {
	e := start(t, nil)
	e.list("team", []string{bob}, map[string]any{"external_members": []string{partner}})
	hdr := func(subject string) string {
		return "From: Bob <" + bob + ">\r\nTo: " + team + "\r\nSubject: " + subject + "\r\n"
	}
	cases := []struct {
		name, data string
		answer     string // prefix of the answer to the final dot
		accepted   bool
	}{
		{"malformed MIME", hdr("malformed MIME") + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed\r\n\r\n--nothing\r\nbroken", "250 2.0.0", true},
		{"bare LF", strings.ReplaceAll(hdr("bare LF")+"\r\nline one\r\nline two", "\r\n", "\n"), "250 2.0.0", true},
		// issue 16 item 12: "<CR>.<CR><LF>" would end DATA at a relay that
		// takes a bare CR for a line end (SMTP smuggling).
		{"bare CR before a dot", hdr("bare CR") + "\r\nline one\r.\r\nMAIL FROM:<x@evil.example>\r\nline\rtwo", "250 2.0.0", true},
		{"NUL byte", hdr("NUL byte") + "\r\nbo\x00dy", "554 5.6.0", false},
		{"10,000-line header", hdr("long header") + strings.Repeat("X-Filler: 0123456789\r\n", 10000) + "\r\nbody", "552 5.3.4", false},
		{"header injection in the display name",
			"From: =?utf-8?q?Eve=0D=0ABcc=3A_x=40evil=2Eexample=0D=0A?= <" + bob + ">\r\nTo: " + team + "\r\nSubject: injection\r\n\r\nbody",
			"250 2.0.0", true},
		{"oversized", hdr("oversized") + "\r\n" + strings.Repeat(strings.Repeat("z", 98)+"\r\n", maxBytes/100+100), "552 5.3.4", false},
	}
	var accepted []string
	for _, c := range cases {
		got := e.rawPost(bob, team, []byte(c.data))
		if !strings.HasPrefix(got, c.answer+" ") {
			t.Errorf("%s: the daemon answered %q, want %s ...", c.name, got, c.answer)
		}
		if len(got) < 10 || strings.TrimSpace(got[10:]) == "" {
			t.Errorf("%s: the answer %q has no sentence for a person", c.name, got)
		}
		if c.accepted {
			accepted = append(accepted, header([]byte(strings.ReplaceAll(c.data, "\n", "\r\n")), "Subject"))
		}
	}
	if err := e.sendMail(bob, team, hdr("still here")+"\r\ngood post\r\n"); err != nil {
		t.Fatalf("after the bad input the daemon refused a good post: %v", err)
	}
	accepted = append(accepted, "still here")
	slices.Sort(accepted)

	got := e.settle()
	for _, rc := range []string{alice, bob, partner} {
		s := subjects(got[rc])
		slices.Sort(s)
		if !slices.Equal(s, accepted) {
			t.Errorf("relay: %s got %q, want exactly the accepted posts %q", rc, s, accepted)
		}
	}
	for rc, msgs := range got {
		if rc != alice && rc != bob && rc != partner {
			t.Errorf("relay: %s got %d messages, want none", rc, len(msgs))
		}
		for _, m := range msgs {
			s := string(m)
			if header(m, "Bcc") != "" || strings.Contains(s, "\x00") || strings.Contains(s, "X-Filler") || strings.Contains(s, "zzzz") {
				t.Errorf("relay: %s got a copy with a Bcc field or part of a refused message:\n%.400s", rc, s)
			}
			if strings.ContainsAny(strings.ReplaceAll(s, "\r\n", ""), "\r\n") {
				t.Errorf("relay: %s got a bare CR or LF: %.400q", rc, s)
			}
		}
	}
	if n := e.imapMessages(alice, "Groups/Team"); n != len(accepted) {
		t.Errorf("alice sees %d messages in Groups/Team over IMAP, want %d (the accepted posts %q)", n, len(accepted), accepted)
	}
	if msgs, rcpts := e.queued(); msgs != len(accepted) || rcpts != 3*len(accepted) {
		t.Errorf("the outbound queue holds %d messages with %d recipient rows, want %d and %d", msgs, rcpts, len(accepted), 3*len(accepted))
	}
}
