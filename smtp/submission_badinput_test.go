package smtp

import (
	"encoding/base64"
	"net"
	"net/textproto"
	"strings"
	"testing"
)

// rawSub is a plaintext conversation with a loopback submission server,
// to send what no client library would.
func rawSub(t *testing.T, addr string) *textproto.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	tc := textproto.NewConn(c)
	t.Cleanup(func() { tc.Close() })
	expect(t, tc, "", 220)
	expect(t, tc, "EHLO client.example", 250)
	return tc
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// TestSubmissionBadAuth: malformed AUTH exchanges get clear answers and
// the connection still logs in afterwards.
func TestSubmissionBadAuth(t *testing.T) {
	w := sendersAsWorld(t)
	addr, _ := startSubmission(t, w, newTestCA(t), nil)
	tc := rawSub(t, addr)
	expect(t, tc, "AUTH PLAIN !!!notbase64", 454)
	expect(t, tc, "AUTH PLAIN "+b64("no nul bytes here"), 454)
	expect(t, tc, "AUTH CRAM-MD5", 504)
	expect(t, tc, "AUTH LOGIN", 334)
	expect(t, tc, "*", 501)
	expect(t, tc, "AUTH PLAIN "+b64("\x00"+bob+"\x00"+strings.Repeat("x", 1400)), 535)
	expect(t, tc, "AUTH LOGIN "+b64(bob), 334)
	expect(t, tc, b64("password1"), 235)
	expect(t, tc, "MAIL FROM:<"+bob+">", 250)
	expect(t, tc, "RCPT TO:<not an address>", 501)
}

// TestSubmissionBadMessages: no From, too large, one foreign author
// among several: each refused with its code, nothing relayed.
func TestSubmissionBadMessages(t *testing.T) {
	w := sendersAsWorld(t)
	ca := newTestCA(t)
	addr, _ := startSubmission(t, w, ca, func(o *SubmissionOptions) { o.MaxMessageBytes = 4096 })
	c := subDial(t, addr, ca, alice)
	wantCode(t, submit(c, alice, []string{stranger}, "Subject: no author\r\n\r\nhi\r\n"), 554, "5.6.0")
	c.Reset()
	big := mailFrom(alice, []string{stranger}, "big") + strings.Repeat(strings.Repeat("y", 70)+"\r\n", 80)
	wantCode(t, submit(c, alice, []string{stranger}, big), 552, "5.3.4")
	c.Reset()
	two := mailFrom(alice+", "+carol, []string{stranger}, "two authors")
	wantCode(t, submit(c, alice, []string{stranger}, two), 550, "5.7.1")
	w.relay.quiet(t, 200e6, 0)
}
