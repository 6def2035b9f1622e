package smtp

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"groupd/groups"
)

// threePosts are three list copies, one with an RFC 2047 subject.
func threePosts() []groups.DigestPost {
	var out []groups.DigestPost
	subjects := []string{"first", "=?utf-8?q?caf=C3=A9?=", "third"}
	for i, s := range subjects {
		out = append(out, groups.DigestPost{ID: int64(i + 1), Received: time.Unix(1700000000+int64(i), 0),
			Data: fmt.Appendf(nil, "List-Id: \"Team\" <team.lists.example.test>\r\nFrom: Bob <bob@example.test>\r\n"+
				"Subject: %s\r\nDate: Fri, 4 Dec 2026 10:0%d:00 +0000\r\nMessage-ID: <p%d@example.test>\r\n\r\nbody %d\r\n", s, i, i, i)})
	}
	return out
}

func testDigest(t *testing.T) []byte {
	t.Helper()
	data, err := composeDigest(digestHead{List: "team@lists.example.test", GroupName: "Team",
		Rcpt: "carol@example.test", Archive: "imap://lists.example.test/team", Hostname: "lists.example.test",
		Date: time.Date(2026, 12, 5, 7, 0, 0, 0, time.UTC), Subject: "Team 다이제스트, 2026-12-05 (글 3개)",
		Contents: "차례", Preamble: "글 3개를 모은 MIME 다이제스트입니다."}, threePosts())
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestComposeDigestGo: Go's net/mail and mime/multipart read the digest
// as a multipart/digest with the list's header fields, a text/plain
// table of contents naming each post, then the three posts whole.
func TestComposeDigestGo(t *testing.T) {
	data := testDigest(t)
	m, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	dec := new(mime.WordDecoder)
	if s, err := dec.DecodeHeader(m.Header.Get("Subject")); err != nil || s != "Team 다이제스트, 2026-12-05 (글 3개)" {
		t.Errorf("Subject %q %v", s, err)
	}
	for k, v := range map[string]string{"List-Id": `"Team" <team.lists.example.test>`, "List-Post": "<mailto:team@lists.example.test>",
		"List-Archive": "<imap://lists.example.test/team>", "Precedence": "list", "To": "carol@example.test"} {
		if got := m.Header.Get(k); got != v {
			t.Errorf("%s: %q, want %q", k, got, v)
		}
	}
	mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/digest" {
		t.Fatalf("Content-Type %q %v", m.Header.Get("Content-Type"), err)
	}
	r := multipart.NewReader(m.Body, params["boundary"])
	toc, err := r.NextPart()
	if err != nil || !strings.HasPrefix(toc.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("first part %v %v", toc.Header, err)
	}
	text, _ := io.ReadAll(toc) // multipart decodes quoted-printable
	for _, want := range []string{"차례", "1. first", "2. café", "3. third", "Bob <bob@example.test>", "Fri, 04 Dec 2026 10:01:00 +0000"} {
		if !strings.Contains(string(text), want) {
			t.Errorf("the table of contents lacks %q:\n%s", want, text)
		}
	}
	for i, want := range threePosts() {
		p, err := r.NextPart()
		if err != nil {
			t.Fatalf("part %d: %v", i+2, err)
		}
		if ct := p.Header.Get("Content-Type"); ct != "" {
			t.Errorf("part %d has Content-Type %q, want none (message/rfc822 by default)", i+2, ct)
		}
		got, _ := io.ReadAll(p)
		if !bytes.Equal(append(got, "\r\n"...), want.Data) && !bytes.Equal(got, want.Data) {
			t.Errorf("part %d:\n%q\nwant\n%q", i+2, got, want.Data)
		}
	}
	if _, err := r.NextPart(); err != io.EOF {
		t.Errorf("after the third post: %v, want the end", err)
	}
}

// TestComposeDigestPython: Python's email package reads the digest as a
// multipart/digest of a text/plain part and three message/rfc822 parts,
// each a message with its own subject.
func TestComposeDigestPython(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed")
	}
	out, err := pythonDigest(t, testDigest(t))
	if err != nil {
		t.Fatalf("python3: %v\n%s", err, out)
	}
	want := "multipart/digest\ntext/plain\nmessage/rfc822 first\nmessage/rfc822 café\nmessage/rfc822 third\n"
	if out != want {
		t.Errorf("python3 reads:\n%s\nwant\n%s", out, want)
	}
}

// pythonDigest prints, with Python's email package, the digest's type,
// then each part's type and, for a message, its subject.
func pythonDigest(t *testing.T, data []byte) (string, error) {
	path := filepath.Join(t.TempDir(), "digest.eml")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	script := `
import sys, email, email.policy
m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=email.policy.default)
print(m.get_content_type())
for p in m.iter_parts():
    if p.get_content_type() == 'message/rfc822':
        print(p.get_content_type(), p.get_content()['subject'])
    else:
        print(p.get_content_type())
`
	out, err := exec.Command("python3", "-c", script, path).CombinedOutput()
	return string(out), err
}

// TestLastDigestHour: the last 07:00 in Seoul at or before an instant.
func TestLastDigestHour(t *testing.T) {
	seoul, err := time.LoadLocation("Asia/Seoul")
	if err != nil {
		t.Skip(err)
	}
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, seoul)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, c := range [][2]string{{"2026-12-05 06:59", "2026-12-04 07:00"}, {"2026-12-05 07:00", "2026-12-05 07:00"},
		{"2026-12-05 23:00", "2026-12-05 07:00"}, {"2026-12-01 00:30", "2026-11-30 07:00"}} {
		if got := lastDigestHour(at(c[0]).UTC(), 7, seoul); !got.Equal(at(c[1])) {
			t.Errorf("at %s: %s, want %s", c[0], got.In(seoul), c[1])
		}
	}
}

// TestDigesterClock: with a fake clock in Seoul and the digest hour 7,
// the Digester queues nothing at 06:59 for posts from the night before,
// one digest for bob at 07:00, and nothing more on the next pass (his
// mark moved with the digest).
func TestDigesterClock(t *testing.T) {
	seoul, err := time.LoadLocation("Asia/Seoul")
	if err != nil {
		t.Skip(err)
	}
	st := newStore(t)
	ctx := t.Context()
	addUsers(t, st, "alice@example.test", "bob@example.test")
	addGroup(t, st, "team", []string{"alice@example.test"}, []string{"bob@example.test"}, nil)
	if err := st.SetDelivery(ctx, groups.Actor{Email: "bob@example.test"}, "team", groups.DeliverDigest); err != nil {
		t.Fatal(err)
	}
	night := time.Date(2026, 12, 4, 22, 0, 0, 0, seoul)
	for i := range 3 {
		p := &groups.Post{List: "team@" + listDomain, Sender: "alice@example.test", Received: night.Add(time.Duration(i) * time.Minute),
			Data: fmt.Appendf(nil, "From: alice@example.test\r\nSubject: night %d\r\n\r\nbody\r\n", i), MessageID: fmt.Sprintf("n%d@x", i)}
		if err := st.AcceptPosts(ctx, []*groups.Post{p}); err != nil || p.Err != nil {
			t.Fatal(err, p.Err)
		}
	}
	now := time.Date(2026, 12, 5, 6, 59, 0, 0, seoul)
	d, err := NewDigester(DigestOptions{Store: st, Hour: 7, Location: seoul, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := d.RunOnce(ctx); n != 0 || err != nil {
		t.Fatalf("at 06:59: %d digests %v", n, err)
	}
	now = now.Add(time.Minute)
	if n, err := d.RunOnce(ctx); n != 1 || err != nil {
		t.Fatalf("at 07:00: %d digests %v, want 1", n, err)
	}
	now = now.Add(time.Hour)
	if n, err := d.RunOnce(ctx); n != 0 || err != nil {
		t.Fatalf("at 08:00: %d digests %v, want none", n, err)
	}
}
