package testkit

import (
	"bufio"
	"io"
	"log"
	"net"
	"net/textproto"
	"strings"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"
)

// RawPost sends data byte for byte (no dot-stuffing, no line-ending
// repair) to rcpt in one SMTP transaction on addr and returns the answer
// to the final dot. Every step before must succeed; the whole exchange
// has 60 s.
func RawPost(t testing.TB, addr, from, rcpt string, data []byte) string {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(60 * time.Second))
	tc := textproto.NewConn(conn)
	expect := func(code int) {
		t.Helper()
		if c, msg, err := tc.ReadResponse(code); err != nil {
			t.Fatalf("want %d, got %d %s (%v)", code, c, msg, err)
		}
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
	tc.PrintfLine("QUIT")
	return line
}

// ServeRelay serves an SMTP relay stand-in, named relay.example, with
// newSession's sessions on a loopback port until the test ends, and
// returns its address. It takes up to 10,000 recipients a transaction and
// logs nothing.
func ServeRelay(t testing.TB, newSession func(*gosmtp.Conn) (gosmtp.Session, error)) string {
	t.Helper()
	srv := gosmtp.NewServer(gosmtp.BackendFunc(newSession))
	srv.Domain = "relay.example"
	srv.ErrorLog = log.New(io.Discard, "", 0)
	srv.MaxRecipients = 10000
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return l.Addr().String()
}

// Transcript runs one SMTP transaction on addr whatever the answers:
// EHLO, MAIL FROM:<from>, RCPT TO:<rcpt> for each of rcpts, DATA (data
// and the final dot only after 354), QUIT. It returns each command with
// the server's whole answer as sent, byte for byte (RFC 5321 §4.2: every
// line of a multiline reply), so that two servers' answers can be
// compared. The exchange has 60 s.
func Transcript(t testing.TB, addr, from string, data []byte, rcpts ...string) []string {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(60 * time.Second))
	r := bufio.NewReader(conn)
	out := []string{"(greeting) " + readReply(t, r)}
	say := func(cmd string) string {
		t.Helper()
		if _, err := io.WriteString(conn, cmd+"\r\n"); err != nil {
			t.Fatal(err)
		}
		reply := readReply(t, r)
		out = append(out, cmd+" => "+reply)
		return reply
	}
	say("EHLO client.example")
	say("MAIL FROM:<" + from + ">")
	for _, rcpt := range rcpts {
		say("RCPT TO:<" + rcpt + ">")
	}
	if reply := say("DATA"); strings.HasPrefix(reply, "354") {
		if _, err := conn.Write(append(append([]byte{}, data...), "\r\n.\r\n"...)); err != nil {
			t.Fatal(err)
		}
		out = append(out, "(message) => "+readReply(t, r))
	}
	say("QUIT")
	return out
}

// readReply reads one reply, all its lines with their line ends.
func readReply(t testing.TB, r *bufio.Reader) string {
	t.Helper()
	var b strings.Builder
	for {
		line, err := r.ReadString('\n')
		b.WriteString(line)
		if err != nil {
			t.Fatalf("reading a reply: %v (so far %q)", err, b.String())
		}
		if len(line) < 4 || line[3] != '-' {
			return b.String()
		}
	}
}
