package smtp

import (
	"bufio"
	"bytes"
	"net/textproto"
	"testing"
)

// FuzzWriteDot: writeDot, which buffers a message so that the next
// transaction's commands can follow it in one write, sends the bytes
// textproto's DotWriter sent (dot-stuffing, RFC 5321 §4.5.2, a CRLF
// before the final dot when the message lacks one) for any message made
// CRLF as the queue makes it.
func FuzzWriteDot(f *testing.F) {
	for _, s := range []string{"", ".", "..\r\n", "a", "a\r\n", ".a\r\n.b\r\n\r\n.", "x\r\n.\r\ny", "\r\n.\r\n",
		"Subject: s\r\n\r\n.hidden\r\nend", "one\r.\r\nMAIL FROM:<x@evil.example>\r\n", "a\n.b\rc\r\n..", "\r"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, msg []byte) {
		var got, want bytes.Buffer
		bw := bufio.NewWriter(&got)
		if err := writeDot(bw, msg); err != nil {
			t.Fatal(err)
		}
		bw.Flush()
		dw := textproto.NewWriter(bufio.NewWriter(&want)).DotWriter()
		dw.Write(toCRLF(msg))
		dw.Close()
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Fatalf("%q: writeDot %q, DotWriter %q", msg, got.Bytes(), want.Bytes())
		}
	})
}
