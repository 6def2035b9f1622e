package smtp

import (
	"crypto/tls"
	"fmt"
	"log/slog"
	"net"
	"net/textproto"
	"strings"
	"testing"

	gosmtp "github.com/emersion/go-smtp"
)

const tooMany = "421 4.7.0 Too many commands in one session; closing"

// rawClient speaks SMTP line by line, to see every answer.
type rawClient struct {
	t *testing.T
	c *textproto.Conn
}

func dialRaw(t *testing.T, nc net.Conn) *rawClient {
	t.Helper()
	t.Cleanup(func() { nc.Close() })
	r := &rawClient{t: t, c: textproto.NewConn(nc)}
	if code, _ := r.answer(); code != 220 {
		t.Fatalf("greeting %d", code)
	}
	return r
}

func dialPlain(t *testing.T, addr string) *rawClient {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	return dialRaw(t, nc)
}

// answer reads one answer; 0 and the error text when the server is gone.
func (r *rawClient) answer() (int, string) {
	code, msg, err := r.c.ReadResponse(0)
	if err != nil && code == 0 {
		return 0, err.Error()
	}
	return code, msg
}

// do sends lines as they are (one write) and reads an answer per line.
func (r *rawClient) do(lines ...string) []string {
	r.t.Helper()
	if err := r.c.PrintfLine("%s", strings.Join(lines, "\r\n")); err != nil {
		r.t.Fatal(err)
	}
	var got []string
	for range lines {
		code, msg := r.answer()
		got = append(got, fmt.Sprintf("%d %s", code, msg))
	}
	return got
}

// wantTooMany checks that the next line gets the 421 and the end.
func (r *rawClient) wantTooMany() {
	r.t.Helper()
	if got := r.do("NOOP"); got[0] != tooMany {
		r.t.Fatalf("command beyond the limit: %q, want %q", got[0], tooMany)
	}
	if code, msg := r.answer(); code != 0 {
		r.t.Fatalf("after the 421: %d %s, want the connection closed", code, msg)
	}
}

func codes(answers []string) string {
	var s []string
	for _, a := range answers {
		s = append(s, a[:3])
	}
	return strings.Join(s, " ")
}

func noops(n int) []string {
	l := make([]string, n)
	for i := range l {
		l[i] = "NOOP"
	}
	return l
}

func TestCommandLimitNoops(t *testing.T) {
	w := newWorld(t, nil, func(o *Options) { o.MaxCommands = 6 })
	r := dialPlain(t, w.addr)
	if got := codes(r.do("EHLO client.example")); got != "250" {
		t.Fatalf("EHLO: %s", got)
	}
	if got := codes(r.do(noops(5)...)); got != "250 250 250 250 250" {
		t.Fatalf("five NOOPs: %s", got)
	}
	r.wantTooMany()
	// Another session starts afresh.
	if got := codes(dialPlain(t, w.addr).do("EHLO client.example", "NOOP")); got != "250 250" {
		t.Fatalf("new session: %s", got)
	}
}

// TestCommandLimitPipelined: a burst sent in one write is cut at the
// limit, the commands before it answered.
func TestCommandLimitPipelined(t *testing.T) {
	w := newWorld(t, nil, func(o *Options) { o.MaxCommands = 5 })
	r := dialPlain(t, w.addr)
	if err := r.c.PrintfLine("%s", strings.Join(noops(50), "\r\n")); err != nil {
		t.Fatal(err)
	}
	var got []string
	for {
		code, msg := r.answer()
		if code == 0 {
			break
		}
		got = append(got, fmt.Sprintf("%d %s", code, msg))
	}
	if len(got) != 6 || codes(got[:5]) != "250 250 250 250 250" || got[5] != tooMany {
		t.Fatalf("50 pipelined NOOPs, limit 5: %q", got)
	}
}

// TestMessageTextIsNotCommands: lines of a message, even ones that read
// as commands, and a BDAT chunk do not count.
func TestMessageTextIsNotCommands(t *testing.T) {
	w := newWorld(t, nil, func(o *Options) { o.MaxCommands = 12 })
	r := dialPlain(t, w.addr)
	msg := strings.TrimSuffix(post(alice, "counted", strings.Repeat("NOOP\r\n..\r\nRSET\r\n", 30)), "\r\n")
	got := r.do("EHLO client.example", "MAIL FROM:<"+alice+">", "RCPT TO:<"+teamList+">", "DATA")
	if codes(got) != "250 250 250 354" {
		t.Fatalf("envelope: %q", got)
	}
	if got := r.do(msg + "\r\n."); codes(got) != "250" {
		t.Fatalf("message: %q", got)
	}
	chunk := "Subject: chunk\r\nFrom: " + alice + "\r\n\r\nNOOP\r\nNOOP\r\n"
	got = r.do("MAIL FROM:<"+alice+">", "RCPT TO:<"+teamList+">")
	if codes(got) != "250 250" {
		t.Fatalf("second envelope: %q", got)
	}
	if got := r.do(fmt.Sprintf("BDAT %d LAST\r\n%s", len(chunk), strings.TrimSuffix(chunk, "\r\n"))); codes(got) != "250" {
		t.Fatalf("BDAT: %q", got)
	}
	// 7 commands so far: EHLO, MAIL, RCPT, DATA, MAIL, RCPT, BDAT.
	if got := codes(r.do(noops(5)...)); got != "250 250 250 250 250" {
		t.Fatalf("NOOPs up to the limit: %s", got)
	}
	r.wantTooMany()
}

// TestRefusedDataStillCounts: after a DATA that got no 354, the lines
// that follow are commands again.
func TestRefusedDataStillCounts(t *testing.T) {
	w := newWorld(t, nil, func(o *Options) { o.MaxCommands = 5 })
	r := dialPlain(t, w.addr)
	got := r.do("EHLO client.example", "DATA", "NOOP", "NOOP", "NOOP")
	if codes(got) != "250 502 250 250 250" {
		t.Fatalf("answers: %q", got)
	}
	r.wantTooMany()
}

// TestCommandLimitTLS: on implicit TLS the limit holds too (counted as
// request–reply turns below TLS) and the 421 arrives through TLS.
func TestCommandLimitTLS(t *testing.T) {
	w := newWorld(t, nil, nil)
	ca := newTestCA(t)
	const max = 10
	_, implicit := startSubmission(t, w, ca, func(o *SubmissionOptions) { o.MaxCommands = max })
	nc, err := tls.Dial("tcp", implicit, ca.client)
	if err != nil {
		t.Fatal(err)
	}
	r := dialRaw(t, nc)
	r.do("EHLO client.example")
	for i := 0; ; i++ {
		if i > max {
			t.Fatalf("%d NOOPs answered, limit %d", i, max)
		}
		got := r.do("NOOP")[0]
		if got == tooMany {
			break
		}
		if !strings.HasPrefix(got, "250 ") {
			t.Fatalf("NOOP %d: %q", i, got)
		}
	}
	if code, msg := r.answer(); code != 0 {
		t.Fatalf("after the 421: %d %s", code, msg)
	}
}

// TestCommandLimitStartTLS: after STARTTLS the limit still holds, and
// once the client has said EHLO again the 421 comes through TLS.
func TestCommandLimitStartTLS(t *testing.T) {
	w := newWorld(t, nil, nil)
	ca := newTestCA(t)
	const max = 10
	plain, _ := startSubmission(t, w, ca, func(o *SubmissionOptions) { o.MaxCommands = max })
	c, err := gosmtp.DialStartTLS(plain, ca.client)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for i := 0; ; i++ {
		if i > max {
			t.Fatalf("%d NOOPs answered, limit %d", i, max)
		}
		err := c.Noop()
		if err == nil {
			continue
		}
		wantCode(t, err, 421, "4.7.0")
		if !strings.Contains(err.Error(), "Too many commands in one session") {
			t.Fatalf("NOOP %d: %v", i, err)
		}
		break
	}
}

// TestMessageTextEndAnyChunking: however the client's bytes are split
// into reads, cmdConn finds the end of the message text (the lone "."
// line, RFC 5321 §4.1.1.4) at the same place, passes over "."-stuffed
// lines, bare CR and LF and command-like lines inside the text, and
// counts the commands that follow it.
func TestMessageTextEndAnyChunking(t *testing.T) {
	stream := []byte("Subject: x\r\n\r\nNOOP\r\n..\r\n.x\r\nbare\rcr\nbare lf\r\n\r\n" +
		strings.Repeat("y", 300) + "\r\n.\r\nNOOP\r\nRSET\r\n")
	for size := 1; size <= len(stream); size++ {
		c := &cmdConn{max: 1000, text: true, log: slog.New(slog.DiscardHandler)}
		for i := 0; i < len(stream); i += size {
			if cut := c.scan(stream[i:min(i+size, len(stream))]); cut >= 0 {
				t.Fatalf("reads of %d bytes: limit hit at %d", size, cut)
			}
		}
		if c.text || c.n != 2 {
			t.Fatalf("reads of %d bytes: still in the text %v, %d commands after it, want 2", size, c.text, c.n)
		}
	}
}
