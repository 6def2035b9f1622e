package searchtext

import (
	"bytes"
	"testing"
)

func TestExtract(t *testing.T) {
	cases := []struct {
		name, msg, header, body string
	}{
		{"plain", "Subject: Hi\r\n\r\nHello World\r\n", "subject: hi\r\n\r\n", "hello world\r\n"},
		{"qp", "Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nK=C3=B6ln =\r\nDom\r\n",
			"subject: grüße\r\ncontent-transfer-encoding: quoted-printable\r\n\r\n", "köln dom\r\n"},
		{"base64", "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\nR2Vsw6RuZGU=\r\n",
			"content-type: text/plain; charset=utf-8\r\ncontent-transfer-encoding: base64\r\n\r\n", "gelände"},
		{"no body", "Subject: only a header", "subject: only a header", ""},
	}
	for _, c := range cases {
		h, b := Extract([]byte(c.msg))
		if string(h) != c.header || string(b) != c.body {
			t.Errorf("%s: header %q body %q", c.name, h, b)
		}
	}
	multi := "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n" +
		"Content-Transfer-Encoding: base64\r\n\r\nU2VjcmV0IFBMQU4=\r\n--b\r\nContent-Type: image/png\r\n\r\nPNGDATA\r\n--b--\r\n"
	_, b := Extract([]byte(multi))
	if !bytes.Contains(b, []byte("secret plan")) || bytes.Contains(b, []byte("pngdata")) {
		t.Errorf("multipart body text %q", b)
	}
}
