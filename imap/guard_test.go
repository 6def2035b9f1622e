package imap

import (
	"encoding/base64"
	"strings"
	"testing"
)

// Issue 16, Info: go-imap's parser refused a synchronising literal over
// its limit but then waited for the rest of the line, while the client
// waited for "+": both hung. The guard answers NO [TOOBIG], and the
// connection goes on.
func TestOversizedSyncLiteralAnswered(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := e.raw(t)
	r.send("a1 LOGIN {40000}\r\n")
	if l := r.line(); !strings.HasPrefix(l, "a1 NO [TOOBIG]") {
		t.Fatalf("oversized literal answered %q", l)
	}
	r.login()
	r.send("a2 SELECT {5000}\r\n")
	if l := r.line(); !strings.HasPrefix(l, "a2 NO [TOOBIG]") {
		t.Fatalf("oversized literal answered %q", l)
	}
	// A literal within the limit still works.
	r.send("a3 SELECT {5}\r\n")
	if l := r.line(); !strings.HasPrefix(l, "+") {
		t.Fatalf("small literal answered %q", l)
	}
	r.send("INBOX\r\n")
	if l := r.until("a3 "); !strings.HasPrefix(l, "a3 OK") {
		t.Fatalf("SELECT by literal: %q", l)
	}
}

// SEARCH with 1,000 nested parentheses answered NO [SERVERBUG]: it is a
// client's error, BAD with a reason (RFC 9051 §7.1.3). Parentheses inside
// a quoted string do not count.
func TestDeepSearchNestingIsBad(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := e.raw(t)
	r.login()
	r.send("s SELECT INBOX\r\n")
	r.until("s OK")
	r.send("x SEARCH " + strings.Repeat("(", 1000) + "ALL" + strings.Repeat(")", 1000) + "\r\n")
	if l := r.until("x "); !strings.HasPrefix(l, "x BAD") || !strings.Contains(l, "nest") {
		t.Fatalf("deep SEARCH answered %q", l)
	}
	r.send(`y SEARCH SUBJECT "` + strings.Repeat("(", 300) + `"` + "\r\n")
	if l := r.until("y "); !strings.HasPrefix(l, "y OK") {
		t.Fatalf("parentheses in a quoted string: %q", l)
	}
	r.send("z SEARCH ((ALL))\r\n")
	if l := r.until("z "); !strings.HasPrefix(l, "z OK") {
		t.Fatalf("shallow SEARCH: %q", l)
	}
}

// AUTHENTICATE PLAIN with a fourth NUL-separated field answered NO
// [SERVERBUG]; it is malformed (RFC 4616 §2): BAD with a reason. The
// well-formed response still logs in.
func TestAuthenticatePlainExtraFieldIsBad(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := e.raw(t)
	r.send("a AUTHENTICATE PLAIN\r\n")
	if l := r.line(); !strings.HasPrefix(l, "+") {
		t.Fatalf("AUTHENTICATE: %q", l)
	}
	r.send(base64.StdEncoding.EncodeToString([]byte("\x00bob@example.test\x00"+password+"\x00x")) + "\r\n")
	if l := r.until("a "); !strings.HasPrefix(l, "a BAD") || !strings.Contains(l, "PLAIN") {
		t.Fatalf("extra NUL field answered %q", l)
	}
	r.send("b AUTHENTICATE PLAIN " + base64.StdEncoding.EncodeToString([]byte("\x00bob@example.test\x00"+password)) + "\r\n")
	if l := r.until("b "); !strings.HasPrefix(l, "b OK") {
		t.Fatalf("AUTHENTICATE PLAIN: %q", l)
	}
}
