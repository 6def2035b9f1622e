package smtp

import (
	"bytes"
	"io"
	"strings"
	"testing"

	gomessage "github.com/emersion/go-message"
)

// noticeBody is a queued notice's body as a mail reader shows it:
// decoded from quoted-printable, LF line ends.
func noticeBody(t *testing.T, raw []byte) string {
	t.Helper()
	e, err := gomessage.Read(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(e.Body)
	if err != nil {
		t.Fatal(err)
	}
	return strings.ReplaceAll(string(b), "\r\n", "\n")
}

// TestJoinRequestQuotesPlainTextOnly (issue 15): the masters' notice
// quotes a request's text/plain part, decoded from its transfer
// encoding, and never its HTML: an HTML-only request quotes nothing.
func TestJoinRequestQuotesPlainTextOnly(t *testing.T) {
	w := newWorld(t, nil, nil)
	w.startQueue(t, nil)
	alt := post(stranger, "join please", "--b\r\nContent-Type: text/plain; charset=utf-8\r\n"+
		"Content-Transfer-Encoding: quoted-printable\r\n\r\n"+
		"Bonjour, je voudrais rejoindre l'=C3=A9quipe.\r\n"+
		"--b\r\nContent-Type: text/html\r\n\r\n<p onclick=\"x()\">HTML words</p>\r\n--b--",
		"MIME-Version: 1.0", `Content-Type: multipart/alternative; boundary="b"`)
	// from another address: a second request of the same one would be
	// merged into the first, without a second notice (issue 13)
	other := "other@elsewhere.example"
	html := post(other, "html only", "<b>HTML only</b>", "MIME-Version: 1.0", "Content-Type: text/html")
	for from, m := range map[string]string{stranger: alt, other: html} {
		if err := send(t, w.addr, from, []string{"team-join@" + listDomain}, m); err != nil {
			t.Fatal(err)
		}
	}
	got := w.relay.waitRcpts(t, 4)
	if len(got[alice]) != 2 {
		t.Fatalf("the master got %d requests, want 2", len(got[alice]))
	}
	var first, second string
	for _, m := range got[alice] {
		if b := noticeBody(t, m); strings.Contains(b, "Subject: join please") {
			first = b
		} else {
			second = b
		}
	}
	if !strings.Contains(first, "> Bonjour, je voudrais rejoindre l'équipe.\n") || strings.Contains(first, "HTML") {
		t.Errorf("multipart request quoted as:\n%s", first)
	}
	if !strings.Contains(second, "Subject: html only\n") || !strings.Contains(second, "> (none)\n") || strings.Contains(second, "HTML") {
		t.Errorf("HTML-only request quoted as:\n%s", second)
	}
}
