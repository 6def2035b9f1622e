package smtp

import (
	"bufio"
	"net"
	"net/textproto"
	"strings"
	"testing"
	"time"
)

// rawPost sends data byte for byte (no dot-stuffing, no line ending
// repair) in one transaction and returns the answer to the final dot.
func rawPost(t *testing.T, addr, from, rcpt string, data []byte) string {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(20 * time.Second))
	tc := textproto.NewConn(conn)
	expect := func(code int) string {
		t.Helper()
		c, msg, err := tc.ReadResponse(code)
		if err != nil {
			t.Fatalf("want %d, got %d %s (%v)", code, c, msg, err)
		}
		return msg
	}
	expect(220)
	tc.PrintfLine("EHLO client.example")
	expect(250)
	tc.PrintfLine("MAIL FROM:<%s>", from)
	expect(250)
	tc.PrintfLine("RCPT TO:<%s>", rcpt)
	expect(250)
	tc.PrintfLine("DATA")
	expect(354)
	w := bufio.NewWriter(conn)
	w.Write(data)
	w.WriteString("\r\n.\r\n")
	w.Flush()
	line, err := tc.ReadLine()
	if err != nil {
		t.Fatal(err)
	}
	return line
}

// TestBadInput: each hostile or broken message gets a clear answer,
// nothing of a refused one goes out, and the server keeps serving.
func TestBadInput(t *testing.T) {
	w := newWorld(t, nil, func(o *Options) { o.MaxMessageBytes = 256 << 10 })
	w.startQueue(t, nil)
	hdr := "From: " + bob + "\r\nTo: " + teamList + "\r\n"
	cases := []struct {
		name   string
		data   string
		answer string // prefix of the answer
		out    bool   // fanned out
	}{
		{"malformed header line", "this is not a header\r\n" + hdr + "Subject: x\r\n\r\nbody", "554 5.6.0", false},
		{"header starting with a fold", " folded\r\n" + hdr + "\r\nbody", "554 5.6.0", false},
		{"no From", "To: " + teamList + "\r\nSubject: x\r\n\r\nbody", "554 5.6.0", false},
		{"NUL byte", hdr + "Subject: nul\r\n\r\nbo\x00dy", "554 5.6.0", false},
		{"10,000-line header", hdr + strings.Repeat("X-Filler: 0123456789\r\n", 10000) + "\r\nbody", "552 5.3.4", false},
		{"oversize", hdr + "Subject: big\r\n\r\n" + strings.Repeat(strings.Repeat("z", 98)+"\r\n", 3000), "552 5.3.4", false},
		{"malformed MIME", hdr + "Subject: mime\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed\r\n\r\n--nothing\r\nbroken", "250", true},
		{"8-bit header", hdr + "Subject: Grüße aus Köln ☃\r\n\r\nbody", "250", true},
		{"bare LF", strings.ReplaceAll(hdr+"Subject: lf\r\n\r\nline one\r\nline two", "\r\n", "\n"), "250", true},
	}
	sent := 0
	for _, c := range cases {
		got := rawPost(t, w.addr, bob, teamList, []byte(c.data))
		if !strings.HasPrefix(got, c.answer) {
			t.Errorf("%s: answer %q, want %s", c.name, got, c.answer)
		}
		if c.out {
			sent += 3
		}
	}
	got := w.relay.waitRcpts(t, sent)
	w.relay.quiet(t, 200*time.Millisecond, sent)
	for _, msgs := range got {
		for _, m := range msgs {
			s := string(m)
			if strings.Contains(s, "\x00") || strings.Contains(s, "X-Filler") || strings.Contains(s, "zzzz") {
				t.Fatalf("a refused message went out:\n%.300s", s)
			}
			if strings.Contains(strings.ReplaceAll(s, "\r\n", ""), "\n") {
				t.Fatalf("bare LF went out: %q", s)
			}
		}
	}
	found := false
	for _, m := range got[alice] {
		found = found || header(m, "Subject") == "Grüße aus Köln ☃"
	}
	if !found {
		t.Fatal("the 8-bit subject did not arrive intact")
	}
	if err := send(t, w.addr, bob, []string{teamList}, post(bob, "still here", "x")); err != nil {
		t.Fatalf("server stopped serving: %v", err)
	}
}
