package searchtext

import (
	"bytes"
	"mime/quotedprintable"
	"testing"
)

// FuzzIMAPSearchText feeds raw messages to the SEARCH text indexer and to
// its decoders without the indexer's recover, so that a panic in them is
// found rather than hidden. Properties: no panic; the body text stays
// within MaxText (plus lower-casing growth); a message without MIME
// fields is indexed as it is, lower-cased.
func FuzzIMAPSearchText(f *testing.F) {
	for _, s := range []string{
		"Subject: Hello\r\n\r\nPlain body\r\n",
		"Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nGr=C3=BC=\r\n=C3=9Fe\r\n",
		"Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\nSGVsbG8g\r\nV29ybGQ=\r\n",
		"Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\r\ncaf\xe9\r\n--x\r\nContent-Type: application/pdf\r\n\r\n%PDF\r\n--x--\r\n",
		"Content-Type: multipart/mixed; boundary=\"\"\r\n\r\n--\r\n",
		"Content-Type: message/rfc822\r\n\r\nSubject: inner\r\n\r\ninner body",
		"no header at all",
		"Subject: =?x-unknown?b?AAAA?=\n\nLF only\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		header, body := Extract(data)
		if len(body) > 3*MaxText {
			t.Fatalf("search body of %d bytes", len(body))
		}
		if !bytes.Contains(data, []byte("=?")) && !bytes.Equal(header, bytes.ToLower(data[:headerEnd(data)])) {
			t.Fatalf("plain header %q indexed as %q", data[:headerEnd(data)], header)
		}
		decodeSinglePart(data)
		decodeParts(data)
	})
}

// FuzzIMAPDecodeQP checks the lenient quoted-printable decoder: it never
// grows its input, and it inverts the standard encoder.
func FuzzIMAPDecodeQP(f *testing.F) {
	for _, s := range []string{"", "a=3Db", "soft=\r\nbreak", "bad=ZZ", "=", "=\n", "=4", "caf\xc3\xa9 \t\r\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		if out := decodeQP(in); len(out) > len(in) {
			t.Fatalf("decoding %q grew it to %q", in, out)
		}
		var enc bytes.Buffer
		w := quotedprintable.NewWriter(&enc)
		w.Binary = true
		w.Write(in)
		w.Close()
		if got := decodeQP(enc.Bytes()); !bytes.Equal(got, in) {
			t.Fatalf("round trip of %q: encoded %q, decoded %q", in, enc.Bytes(), got)
		}
	})
}
