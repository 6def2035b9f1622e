package notice

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	gomessage "github.com/emersion/go-message"
	"github.com/emersion/go-message/mail"
)

// read parses a notice back as a mail client would: the decoded
// Subject, Reply-To and body.
func read(t *testing.T, raw []byte) (mail.Header, string) {
	t.Helper()
	e, err := gomessage.Read(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(e.Body)
	if err != nil {
		t.Fatal(err)
	}
	return mail.Header{Header: e.Header}, string(body)
}

// checkLines fails when a line of raw is over limit octets (RFC 5322
// §2.1.1) or does not end in CRLF.
func checkLines(t *testing.T, raw []byte, limit int) {
	t.Helper()
	for i, line := range bytes.Split(raw, []byte("\r\n")) {
		if len(line) > limit {
			t.Errorf("line %d is %d octets (limit %d): %.80q…", i+1, len(line), limit, line)
		}
		if bytes.IndexByte(line, '\n') >= 0 {
			t.Errorf("line %d has a bare LF", i+1)
		}
	}
}

// TestLongNamesStayWithinLineLimits (issue 16 item 15): a group name of
// 100 emoji in the Subject and in a body line gives no line over 78
// octets: the Subject is RFC 2047 encoded and folded, the body base64
// (being mostly emoji and Hangul). Both read back unchanged.
func TestLongNamesStayWithinLineLimits(t *testing.T) {
	name := strings.Repeat("😀", 100)
	desc := strings.Repeat("설명 ", 300)
	m := Message{
		From:      &mail.Address{Name: "groupd", Address: "groupd-noreply@lists.example.test"},
		ReplyTo:   &mail.Address{Name: strings.Repeat("이름", 60), Address: "eve@other.example"},
		Subject:   `Group "` + name + `" was created by Alice <alice@example.test>`,
		Date:      time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC),
		MessageID: "abc@lists.example.test",
		Language:  "en",
		Body:      "Name: " + name + "\nDescription: " + desc + "\n",
	}
	raw, err := m.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	checkLines(t, raw, lineSoft)
	h, body := read(t, raw)
	if got, _ := h.Subject(); got != m.Subject {
		t.Errorf("Subject reads back as %q", got)
	}
	if rt, err := h.AddressList("Reply-To"); err != nil || len(rt) != 1 || rt[0].Name != m.ReplyTo.Name {
		t.Errorf("Reply-To reads back as %v, %v", rt, err)
	}
	if h.Get("Content-Transfer-Encoding") != "base64" {
		t.Errorf("Content-Transfer-Encoding %q, want base64 for text mostly outside ASCII", h.Get("Content-Transfer-Encoding"))
	}
	if want := strings.ReplaceAll(m.Body, "\n", "\r\n"); body != want {
		t.Errorf("body reads back as %q", body)
	}
}

// TestTransferEncoding: short lines go as they are; a long line makes
// the body quoted-printable when it is mostly ASCII, base64 when not.
func TestTransferEncoding(t *testing.T) {
	for body, want := range map[string]string{
		"short\nlines\n":                          "7bit",
		"짧은 줄\n":                                  "8bit",
		strings.Repeat("word ", 20) + "\n":        "quoted-printable",
		"Name: " + strings.Repeat("😀", 30) + "\n": "base64",
		strings.Repeat("x", 78) + "\r\n":          "7bit",
		strings.Repeat("x", 79) + "\n":            "quoted-printable",
	} {
		if got := TransferEncoding(body); got != want {
			t.Errorf("TransferEncoding(%.30q…) = %s, want %s", body, got, want)
		}
		m := Message{From: &mail.Address{Address: "n@x.test"}, Subject: "s", Date: time.Unix(0, 0), MessageID: "a@b", Body: body}
		raw, err := m.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		checkLines(t, raw, lineSoft)
		if _, got := read(t, raw); got != strings.ReplaceAll(strings.ReplaceAll(body, "\r\n", "\n"), "\n", "\r\n") {
			t.Errorf("%s body reads back as %q", want, got)
		}
	}
}

// TestShortBodiesStayReadable: a body of short lines is sent as it is,
// 7bit for ASCII and 8bit for Korean, with CRLF line ends.
func TestShortBodiesStayReadable(t *testing.T) {
	for body, cte := range map[string]string{"Name: Team\nDescription: (none)\n": "7bit", "이름: 개발팀\n": "8bit"} {
		m := Message{From: &mail.Address{Address: "n@x.test"}, Subject: "s", Date: time.Unix(0, 0), MessageID: "a@b", Body: body}
		raw, err := m.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		checkLines(t, raw, lineSoft)
		if !bytes.Contains(raw, []byte(strings.ReplaceAll(body, "\n", "\r\n"))) {
			t.Errorf("%s body not carried as is:\n%s", cte, raw)
		}
		if h, _ := read(t, raw); h.Get("Content-Transfer-Encoding") != cte {
			t.Errorf("Content-Transfer-Encoding %q, want %s", h.Get("Content-Transfer-Encoding"), cte)
		}
	}
}

// TestBodyWrapsParagraphs: paragraphs wrap at 72 columns (Hangul counts
// two), lines stay whole, quotations are marked.
func TestBodyWrapsParagraphs(t *testing.T) {
	var b Body
	b.Para(strings.Repeat("word ", 40))
	b.Para(strings.Repeat("가나 ", 40))
	b.Lines("Description: " + strings.Repeat("x", 100))
	b.Quote("hello\n\nthere\n")
	for _, line := range strings.Split(b.String(), "\n") {
		if strings.HasPrefix(line, "Description: ") {
			continue
		}
		if textWidth(line) > wrapColumns {
			t.Errorf("line of width %d: %q", textWidth(line), line)
		}
	}
	if !strings.Contains(b.String(), "> hello\n>\n> there\n") {
		t.Errorf("quotation:\n%s", b.String())
	}
	var p Body
	p.Para(strings.Repeat("x", 60) + " Alice <alice@example.test>")
	if !strings.Contains(p.String(), "\nAlice <alice@example.test>") {
		t.Errorf("a name and its address were parted:\n%s", p.String())
	}
}

// TestHeadersReadBack: whatever a subject or display name holds (double
// spaces, mixed scripts, a would-be header, a long word), a mail reader
// decodes what was written, and nothing starts a header of its own.
func TestHeadersReadBack(t *testing.T) {
	for _, s := range []string{
		"plain subject", "개발팀  두 칸  space 😀 x", "a\r\nBcc: evil@other.example",
		"=?utf-8?q?not_mine?=", strings.Repeat("long", 50) + " end", "트 " + strings.Repeat("가", 200),
	} {
		m := Message{From: &mail.Address{Address: "n@x.test"}, ReplyTo: &mail.Address{Name: s, Address: "r@x.test"},
			Subject: s, Date: time.Unix(0, 0), MessageID: "a@b", Body: "x\n"}
		raw, err := m.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		checkLines(t, raw, lineSoft)
		if bytes.Contains(raw, []byte("\r\nBcc:")) {
			t.Errorf("%q started a header of its own:\n%s", s, raw)
		}
		h, _ := read(t, raw)
		if got, _ := h.Subject(); got != s {
			t.Errorf("Subject %q reads back as %q", s, got)
		}
		want := strings.Join(strings.Fields(s), " ")
		if rt, err := h.AddressList("Reply-To"); err != nil || len(rt) != 1 || rt[0].Name != want {
			t.Errorf("Reply-To name %q reads back as %v, %v", want, rt, err)
		}
	}
}
