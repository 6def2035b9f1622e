package smtp

import (
	"io"
	"net"
	"sync"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"
)

// utf8Relay records whether each MAIL declared SMTPUTF8, and refuses an
// undeclared UTF-8 recipient as Postfix's strict_smtputf8 does (553 5.6.7).
type utf8Relay struct {
	mu       sync.Mutex
	declared []bool
}

func (r *utf8Relay) NewSession(*gosmtp.Conn) (gosmtp.Session, error) { return &utf8Session{r: r}, nil }

type utf8Session struct {
	r    *utf8Relay
	utf8 bool
}

func (s *utf8Session) Mail(_ string, o *gosmtp.MailOptions) error {
	s.utf8 = o != nil && o.UTF8
	s.r.mu.Lock()
	s.r.declared = append(s.r.declared, s.utf8)
	s.r.mu.Unlock()
	return nil
}

func (s *utf8Session) Rcpt(to string, _ *gosmtp.RcptOptions) error {
	if !s.utf8 && !isASCII(to) {
		return &gosmtp.SMTPError{Code: 553, EnhancedCode: gosmtp.EnhancedCode{5, 6, 7}, Message: "Must declare SMTPUTF8 to send unicode address"}
	}
	return nil
}

func (s *utf8Session) Data(r io.Reader) error { _, err := io.Copy(io.Discard, r); return err }
func (s *utf8Session) Reset()                 {}
func (s *utf8Session) Logout() error          { return nil }

// TestRelayDeclaresSMTPUTF8: a transaction with a UTF-8 address or
// header is declared SMTPUTF8 to a relay that offers it (RFC 6531 §3.4),
// so a strict relay delivers to 민준@example.test instead of refusing him
// with 553 5.6.7 (which groupd would have counted as a hard bounce); an
// ASCII transaction, UTF-8 in its body or not, is not.
func TestRelayDeclaresSMTPUTF8(t *testing.T) {
	rec := &utf8Relay{}
	srv := gosmtp.NewServer(rec)
	srv.Domain, srv.EnableSMTPUTF8, srv.AllowInsecureAuth = "strict.example", true, true
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	cases := []struct {
		rcpt, msg string
		want      bool
	}{
		{"bob@example.test", "Subject: plain\r\n\r\nbody\r\n", false},
		{"bob@example.test", "Subject: plain\r\n\r\n본문\r\n", false},
		{"민준@example.test", "Subject: plain\r\n\r\nbody\r\n", true},
		{"bob@example.test", "Subject: 회의 안내\r\n\r\nbody\r\n", true},
	}
	for i, tc := range cases {
		c, err := dialRelay(l.Addr().String(), "lists.example.test", 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		mailErr, rcptErrs, dataErr := c.transaction("team-bounces@lists.example.test", []string{tc.rcpt}, []byte(tc.msg))
		c.quit()
		if mailErr != nil || dataErr != nil || len(rcptErrs) != 1 || rcptErrs[0] != nil {
			t.Fatalf("case %d (%s): mail %v, rcpt %v, data %v", i, tc.rcpt, mailErr, rcptErrs, dataErr)
		}
		rec.mu.Lock()
		got := rec.declared[len(rec.declared)-1]
		rec.mu.Unlock()
		if got != tc.want {
			t.Errorf("case %d (%s, %q): SMTPUTF8 declared %v, want %v", i, tc.rcpt, tc.msg, got, tc.want)
		}
	}
}
