package imap

import (
	"bytes"
	"encoding/base64"
	"strings"
	"testing"

	goimap "github.com/emersion/go-imap/v2"
)

// TestFetchBinary: BINARY is advertised and FETCH BINARY[2] of a post
// with a base64 attachment answers the attachment's bytes decoded (RFC
// 3516 §4.2), BINARY.SIZE[2] their count, and BINARY[1] the text part,
// so a client saves an attachment without the base64 overhead.
func TestFetchBinary(t *testing.T) {
	e := newEnv(t)
	attachment := bytes.Repeat([]byte{0, 1, 2, 0xfe, 0xff, '\r', '\n', 'x'}, 5000)
	enc := base64.StdEncoding.EncodeToString(attachment)
	var b64 strings.Builder
	for len(enc) > 76 {
		b64.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b64.WriteString(enc + "\r\n")
	msg := "From: Alice <alice@example.test>\r\nTo: team@lists.example.test\r\nSubject: file\r\n" +
		"Date: Mon, 02 Jan 2006 15:04:05 +0000\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=b1\r\n\r\n" +
		"--b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nsee the file=3D attached\r\n" +
		"--b1\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n" +
		"Content-Disposition: attachment; filename=data.bin\r\n\r\n" + b64.String() + "--b1--\r\n"
	e.post(t, "team", []byte(msg))
	c := e.login(t, "bob@example.test")
	if !c.Caps().Has(goimap.CapBinary) {
		t.Fatalf("BINARY not advertised: %v", c.Caps())
	}
	mustSelect(t, c, "Groups/Team")
	file := &goimap.FetchItemBinarySection{Part: []int{2}, Peek: true}
	text := &goimap.FetchItemBinarySection{Part: []int{1}, Peek: true}
	size := &goimap.FetchItemBinarySectionSize{Part: []int{2}}
	msgs, err := c.Fetch(goimap.SeqSetNum(1), &goimap.FetchOptions{
		BinarySection: []*goimap.FetchItemBinarySection{file, text}, BinarySectionSize: []*goimap.FetchItemBinarySectionSize{size},
	}).Collect()
	if err != nil || len(msgs) != 1 {
		t.Fatalf("FETCH BINARY: %v (%d messages)", err, len(msgs))
	}
	if got := msgs[0].FindBinarySection(file); !bytes.Equal(got, attachment) {
		t.Errorf("BINARY[2]: %d bytes, want the %d of the attachment decoded", len(got), len(attachment))
	}
	if got := string(msgs[0].FindBinarySection(text)); strings.TrimSpace(got) != "see the file= attached" {
		t.Errorf("BINARY[1]: %q", got)
	}
	if got, ok := msgs[0].FindBinarySectionSize(size.Part); !ok || got != uint32(len(attachment)) {
		t.Errorf("BINARY.SIZE[2] = %d (%v), want %d", got, ok, len(attachment))
	}
}
