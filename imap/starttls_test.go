package imap

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"net"
	"reflect"
	"strings"
	"testing"
	"time"

	"groupd/internal/testkit"
)

// capsOf returns the capability list a CAPABILITY command gets.
func (r *raw) capsOf(tag string) string {
	r.t.Helper()
	untagged, done := r.lines(tag, "CAPABILITY")
	if !strings.HasPrefix(done, tag+" OK") {
		r.t.Fatalf("CAPABILITY: %q", done)
	}
	for _, l := range untagged {
		if strings.HasPrefix(l, "* CAPABILITY ") {
			return l + " "
		}
	}
	r.t.Fatalf("no CAPABILITY in %q", untagged)
	return ""
}

// startTLS sends STARTTLS and negotiates TLS on r (RFC 9051 §6.2.1).
func (r *raw) startTLS(tag string, cfg *tls.Config) {
	r.t.Helper()
	if l := r.answer(tag, "STARTTLS"); l != tag+" OK Begin TLS negotiation now" {
		r.t.Fatalf("STARTTLS: %q", l)
	}
	c := tls.Client(r.c, cfg)
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if err := c.Handshake(); err != nil {
		r.t.Fatalf("handshake: %v", err)
	}
	c.SetDeadline(time.Time{})
	r.c, r.br = c, bufio.NewReader(c)
}

// TestStartTLSKeepsGuard (issue 17, the STARTTLS gap): off loopback the
// plain port offers STARTTLS and LOGINDISABLED and refuses LOGIN; after
// STARTTLS, LOGIN works, neither is offered, and the command guard still
// answers an oversized literal, deep nesting and an invalid name.
func TestStartTLSKeepsGuard(t *testing.T) {
	t.Parallel()
	srvTLS, cliTLS := testkit.NewCA(t)
	off := false
	e := rdEnv(t, func(o *Options) { o.TLSConfig = srvTLS; o.Loopback = &off })
	r, greeting := e.rawGreeting(t)
	if !strings.Contains(greeting, " STARTTLS LOGINDISABLED]") || strings.Contains(greeting, "AUTH=") {
		t.Errorf("greeting before TLS: %q", greeting)
	}
	if caps := r.capsOf("a"); !strings.Contains(caps, " STARTTLS ") || !strings.Contains(caps, " LOGINDISABLED ") || strings.Contains(caps, "AUTH=") {
		t.Errorf("CAPABILITY before TLS: %q", caps)
	}
	if l := r.answer("b", "LOGIN bob@example.test "+password); !strings.HasPrefix(l, "b NO [PRIVACYREQUIRED]") {
		t.Errorf("LOGIN before TLS: %q", l)
	}
	if l := r.answer("b2", "AUTHENTICATE PLAIN"); !strings.HasPrefix(l, "b2 NO [PRIVACYREQUIRED]") {
		t.Errorf("AUTHENTICATE before TLS: %q", l)
	}
	r.startTLS("c", cliTLS)
	if caps := r.capsOf("d"); strings.Contains(caps, "STARTTLS") || strings.Contains(caps, "LOGINDISABLED") || !strings.Contains(caps, "AUTH=PLAIN") {
		t.Errorf("CAPABILITY after TLS: %q", caps)
	}
	if l := r.answer("e", "STARTTLS"); !strings.HasPrefix(l, "e BAD") {
		t.Errorf("second STARTTLS: %q", l)
	}
	r.login()
	guardedSession(t, r)
}

// guardedSession checks the command guard on a logged-in session.
func guardedSession(t *testing.T, r *raw) {
	t.Helper()
	r.send("f SELECT {5000}\r\n")
	if l := r.line(); !strings.HasPrefix(l, "f NO [TOOBIG]") {
		t.Errorf("oversized literal: %q", l)
	}
	if l := r.answer("g", "SELECT INBOX"); !strings.HasPrefix(l, "g OK") {
		t.Fatalf("SELECT: %q", l)
	}
	deep := "SEARCH " + strings.Repeat("(", 1000) + "ALL" + strings.Repeat(")", 1000)
	if l := r.answer("h", deep); !strings.HasPrefix(l, "h BAD") || !strings.Contains(l, "nest") {
		t.Errorf("deep nesting: %q", l)
	}
	if l := r.answer("i", `EXAMINE "Groups/R&D"`); !strings.HasPrefix(l, "i BAD [CLIENTBUG]") {
		t.Errorf("invalid mUTF-7 name: %q", l)
	}
	if l := r.answer("j", `EXAMINE "`+rdUTF7+`"`); !strings.HasPrefix(l, "j OK") {
		t.Errorf("valid name: %q", l)
	}
}

// TestStartTLSOnLoopback: where authentication is allowed without TLS,
// STARTTLS is offered with AUTH=PLAIN and no LOGINDISABLED; after LOGIN,
// STARTTLS is BAD and the capabilities no longer offer it.
func TestStartTLSOnLoopback(t *testing.T) {
	t.Parallel()
	srvTLS, _ := testkit.NewCA(t)
	e := newEnv(t, func(o *Options) { o.TLSConfig = srvTLS })
	r := e.raw(t)
	if caps := r.capsOf("a"); !strings.Contains(caps, " STARTTLS ") || strings.Contains(caps, "LOGINDISABLED") || !strings.Contains(caps, " AUTH=PLAIN ") {
		t.Errorf("CAPABILITY on loopback: %q", caps)
	}
	r.login()
	if caps := r.capsOf("b"); strings.Contains(caps, "STARTTLS") {
		t.Errorf("CAPABILITY after LOGIN: %q", caps)
	}
	if l := r.answer("c", "STARTTLS"); !strings.HasPrefix(l, "c BAD") {
		t.Errorf("STARTTLS after LOGIN: %q", l)
	}
	if l := r.answer("d", "NOOP"); !strings.HasPrefix(l, "d OK") {
		t.Errorf("NOOP: %q", l)
	}
}

// TestStartTLSNoInjection: a command pipelined after STARTTLS in
// plaintext is never run: it is taken as the start of the handshake,
// which fails (RFC 9051 §6.2.1; the STARTTLS injection of CVE-2011-0411).
func TestStartTLSNoInjection(t *testing.T) {
	t.Parallel()
	srvTLS, _ := testkit.NewCA(t)
	off := false
	e := newEnv(t, func(o *Options) { o.TLSConfig = srvTLS; o.Loopback = &off })
	r := e.raw(t)
	r.send("a NOOP\r\nb STARTTLS\r\nc CAPABILITY\r\n")
	if l := r.line(); !strings.HasPrefix(l, "a OK") {
		t.Fatalf("NOOP: %q", l)
	}
	if l := r.line(); l != "b OK Begin TLS negotiation now" {
		t.Fatalf("STARTTLS: %q", l)
	}
	r.c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if l, err := r.br.ReadString('\n'); err == nil {
		t.Fatalf("plaintext after STARTTLS answered %q", l)
	}
}

// rawGreeting is e.raw that also returns the greeting.
func (e *env) rawGreeting(t *testing.T) (*raw, string) {
	t.Helper()
	c, err := net.Dial("tcp", e.addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	r := &raw{t: t, c: c, br: bufio.NewReader(c)}
	return r, r.line()
}

// TestFixCaps: only capability lists are rewritten (RFC 9051 §7.2.2):
// the greeting's and CAPABILITY's before TLS, LOGIN's once logged in; a
// STATUS line naming a group " OK [CAPABILITY x]" passes as it is.
func TestFixCaps(t *testing.T) {
	t.Parallel()
	srvTLS, _ := testkit.NewCA(t)
	g := newGuard(nil, srvTLS, false, false)
	cases := []struct{ in, want string }{
		{"* OK [CAPABILITY IMAP4rev1 SASL-IR LITERAL- AUTH=PLAIN] IMAP server ready\r\n",
			"* OK [CAPABILITY IMAP4rev1 SASL-IR LITERAL- STARTTLS LOGINDISABLED] IMAP server ready\r\n"},
		{"* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n", "* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED\r\n"},
		{"* STATUS \" OK [CAPABILITY x]\" (MESSAGES 1)\r\n", "* STATUS \" OK [CAPABILITY x]\" (MESSAGES 1)\r\n"},
		{"a OK LOGIN completed\r\n", "a OK LOGIN completed\r\n"},
	}
	for _, c := range cases {
		if got := string(g.fixCaps([]byte(c.in))); got != c.want {
			t.Errorf("%q: %q, want %q", c.in, got, c.want)
		}
	}
	g.secure.Store(true)
	g.authed.Store(true)
	in := "l OK [CAPABILITY IMAP4rev1 ESEARCH] Logged in\r\n"
	if got, want := string(g.fixCaps([]byte(in))), "l OK [CAPABILITY IMAP4rev1 ESEARCH SORT THREAD=ORDEREDSUBJECT THREAD=REFERENCES CONDSTORE QRESYNC] Logged in\r\n"; got != want {
		t.Errorf("after login: %q, want %q", got, want)
	}
}

// TestOutFrame: literal data passes untouched even when it looks like a
// capability list, written in pieces of any size; a capability line
// split across writes is still rewritten.
func TestOutFrame(t *testing.T) {
	t.Parallel()
	srvTLS, _ := testkit.NewCA(t)
	g := newGuard(nil, srvTLS, false, false)
	body := "* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\nmore\r\n"
	in := fmt.Sprintf("* 1 FETCH (BODY[] {%d}\r\n%s)\r\n* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n", len(body), body)
	want := strings.Replace(in, "AUTH=PLAIN\r\n", "STARTTLS LOGINDISABLED\r\n", 2)
	want = strings.Replace(want, "STARTTLS LOGINDISABLED\r\n", "AUTH=PLAIN\r\n", 1) // the literal's
	for _, size := range []int{1, 3, 7, len(in)} {
		var out bytes.Buffer
		var f outFrame
		for p := in; len(p) > 0; {
			k := min(size, len(p))
			if err := f.frame([]byte(p[:k]), &out, g.fixCaps); err != nil {
				t.Fatal(err)
			}
			p = p[k:]
		}
		if out.String() != want {
			t.Errorf("pieces of %d: %q, want %q", size, out.String(), want)
		}
	}
}

// TestLoginRuleNotSmuggled: a LOGIN hidden from the guard inside a
// literal that go-imap discards with a command it refuses still meets
// the login rule before TLS (the session's own check), and no password
// is accepted.
func TestLoginRuleNotSmuggled(t *testing.T) {
	t.Parallel()
	srvTLS, _ := testkit.NewCA(t)
	off := false
	e := newEnv(t, func(o *Options) { o.TLSConfig = srvTLS; o.Loopback = &off })
	r := e.raw(t)
	login := "b LOGIN bob@example.test " + password
	r.send(fmt.Sprintf("a NOOP {%d+}\r\n%s\r\n", len(login), login))
	if l := r.until("b "); !strings.HasPrefix(l, "b NO [PRIVACYREQUIRED]") {
		t.Fatalf("smuggled LOGIN before TLS: %q", l)
	}
	auth := "c AUTHENTICATE PLAIN " + base64.StdEncoding.EncodeToString([]byte("\x00bob@example.test\x00"+password))
	r.send(fmt.Sprintf("a2 NOOP {%d+}\r\n%s\r\n", len(auth), auth))
	if l := r.until("c "); !strings.HasPrefix(l, "c NO [PRIVACYREQUIRED]") {
		t.Fatalf("smuggled AUTHENTICATE before TLS: %q", l)
	}
}

// TestGuardAnswersInOrder: the guard's own answers wait for those of the
// commands pipelined before them.
func TestGuardAnswersInOrder(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := e.raw(t)
	r.login()
	r.send("a SELECT INBOX\r\nb SELECT {5000}\r\nc NOOP\r\n")
	var got []string
	for len(got) < 3 {
		if l := r.line(); !strings.HasPrefix(l, "* ") {
			got = append(got, strings.Join(strings.Fields(l)[:2], " "))
		}
	}
	if want := []string{"a OK", "b NO", "c OK"}; !reflect.DeepEqual(got, want) {
		t.Errorf("answers %q, want %q", got, want)
	}
}
