package smtp

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"

	"groupd/groups"
)

// fuzzTarget is the list a fuzzed post goes to.
var fuzzTarget = &groups.MailTarget{Kind: "list", Address: "team@lists.example.test",
	List: "team@lists.example.test", GroupID: "team", GroupName: "Team \"Ωmega\"", Archive: true}

// FuzzReadMessage feeds DATA to the inbound message reader and to
// everything that reads a received message: From, Subject, Message-ID,
// DKIM h= tags, DSN parsing and the list copy. Properties: no panic; a
// refusal is an SMTP 5xx with enhanced code and a sentence; an accepted
// message has CRLF lines only and splits into header and body; decoded
// header text is one line (no header injection); the list copy parses
// again, leads with the list's own fields and keeps the body byte for byte.
func FuzzReadMessage(f *testing.F) {
	for _, s := range []string{
		"From: a@example.test\r\nSubject: hi\r\n\r\nbody\r\n",
		"From: =?utf-8?q?J=C3=B6rg?= <j@example.test>\nSubject: =?utf-8?b?w7xiZXI=?=\n\nbare LF\n",
		"Subject: no body",
		"\r\nno header",
		"From: a@example.test\r\nDKIM-Signature: v=1; h=From:Subject:List-Id; b=x\r\nList-Id: <x.y>\r\n\r\nx",
		"From: \"Eve\r\n Bcc: x\" <e@example.test>\r\nSubject: =?utf-8?q?a=0D=0ABcc:_x?=\r\n\r\n",
		"From: a@example.test\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nfailed\r\n--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx\r\n\r\nFinal-Recipient: rfc822; Bob@Example.test\r\nAction: failed\r\nStatus: 5.1.1 (no such user)\r\nDiagnostic-Code: smtp; 550 no\r\n\r\n--b--\r\n",
		"bad header line without colon\r\n\r\n",
		"From: a@example.test\r\nX-Loop: team@lists.example.test\r\nAuto-Submitted: auto-replied; x\r\n\r\n",
		"From: a@b\x00\r\n\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := readMessage(bytes.NewReader(data), 1<<16, 200, "")
		if err != nil {
			var se *gosmtp.SMTPError
			if !errors.As(err, &se) || se.Code < 500 || se.EnhancedCode[0] != 5 || len(se.Message) < 10 {
				t.Fatalf("refusal is not a clear permanent SMTP error: %#v", err)
			}
			return
		}
		checkMessage(t, m)
	})
}

func checkMessage(t *testing.T, m *message) {
	t.Helper()
	if bareEnds(m.testRaw()) {
		t.Fatalf("bare CR or LF left in %q", m.testRaw())
	}
	whole := bytes.HasSuffix(m.testRaw(), m.testBody()) || (string(m.testBody()) == "\r\n" && !bytes.Contains(m.testRaw(), []byte("\r\n\r\n")))
	if !bytes.HasPrefix(m.testRaw(), m.header) || !whole || !bytes.HasPrefix(m.testBody(), []byte("\r\n")) {
		t.Fatalf("header %q and body %q do not split %q", m.header, m.testBody(), m.testRaw())
	}
	if s := m.subject(); strings.ContainsAny(s, "\r\n\x00") {
		t.Fatalf("subject %q spans lines", s)
	}
	if list, err := m.fromAddrs(); err == nil {
		for _, a := range list {
			if strings.ContainsAny(oneLine(a.Name), "\r\n") {
				t.Fatalf("oneLine left a line break in %q", a.Name)
			}
		}
	}
	m.messageID()
	m.autoSubmitted()
	m.hasLoop(fuzzTarget.List)
	for _, r := range parseDSN(m) {
		if r.rcpt != "" && (!strings.Contains(r.rcpt, "@") || r.rcpt != strings.ToLower(r.rcpt)) {
			t.Fatalf("DSN recipient %q", r.rcpt)
		}
		if strings.ContainsAny(r.diag, "\r\n") || strings.ContainsAny(r.status, " \t\r\n") {
			t.Fatalf("DSN report %+v spans lines", r)
		}
	}
	for _, prefix := range []string{"", "[Team]"} {
		out := testListCopy(m, fuzzTarget, receivedField("helo\r\nX: y", "127.0.0.1", "lists.example.test", "id", fuzzTarget.List, time.Unix(1700000000, 0)), prefix, "", nil)
		if !bytes.HasSuffix(out, m.testBody()) {
			t.Fatalf("list copy changed the body")
		}
		c, err := readMessage(bytes.NewReader(out), 1<<20, 10000, "")
		if err != nil {
			t.Fatalf("list copy of %q does not parse: %v\n%q", m.testRaw(), err, out)
		}
		if v := c.h.Values("X-Loop"); len(v) == 0 || v[0] != fuzzTarget.List {
			t.Fatalf("list copy loop marker: %q", v)
		}
		if !strings.HasPrefix(c.h.Get("List-Id"), `"Team \"Ωmega\"" <team.lists.example.test>`) && !strings.HasPrefix(c.h.Get("List-Id"), "=?utf-8?") {
			t.Fatalf("list copy List-Id %q", c.h.Get("List-Id"))
		}
	}
}

// FuzzToCRLF checks that line ending repair makes every bare LF and bare
// CR a CRLF (issue 16 item 12: no "<CR>.<CR><LF>" for the relay) and
// changes nothing else.
func FuzzToCRLF(f *testing.F) {
	for _, s := range []string{"", "\n", "a\r\nb\nc", "\r\r\n\n", "x\r", "a\r.\r\nb", "\r\n.\r\r\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		out := toCRLF(in)
		if bareEnds(out) {
			t.Fatalf("bare CR or LF in %q", out)
		}
		lines := func(b []byte) []byte {
			b = bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
			return bytes.ReplaceAll(b, []byte("\r"), []byte("\n"))
		}
		if !bytes.Equal(lines(out), lines(in)) {
			t.Fatalf("toCRLF(%q) = %q changed more than line ends", in, out)
		}
	})
}
