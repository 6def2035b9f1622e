package smtp

import (
	"context"
	"crypto/tls"
	"io"
	"net"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	gosmtp "github.com/emersion/go-smtp"

	"groupd/internal/testkit"
)

// testCA is testkit.NewCA's pair: a certificate authority made for one
// test and a server certificate for 127.0.0.1 and localhost that it signed.
type testCA struct {
	server *tls.Config // the server's certificate
	client *tls.Config // trusts the CA only
}

func newTestCA(t testing.TB) *testCA {
	t.Helper()
	server, client := testkit.NewCA(t)
	return &testCA{server: server, client: client}
}

// startSubmission serves a Submission on two loopback listeners, plain
// (STARTTLS) and implicit TLS, and returns their addresses.
func startSubmission(t testing.TB, w *world, ca *testCA, opt func(*SubmissionOptions)) (plain, implicit string) {
	t.Helper()
	sub, plain, implicit, served := serveSubmission(t, w, ca, opt)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		sub.Shutdown(ctx)
		<-served
		<-served
	})
	return plain, implicit
}

// serveSubmission starts a Submission on two loopback listeners, plain
// (STARTTLS) and implicit TLS; served gets each Serve's return.
func serveSubmission(t testing.TB, w *world, ca *testCA, opt func(*SubmissionOptions)) (sub *Submission, plain, implicit string, served <-chan error) {
	t.Helper()
	o := SubmissionOptions{Options: Options{Store: w.st, Hostname: listDomain}, TLSConfig: ca.server}
	if opt != nil {
		opt(&o)
	}
	sub, err := NewSubmission(o)
	if err != nil {
		t.Fatal(err)
	}
	l1, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l2, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 2)
	go func() { done <- sub.Serve(l1) }()
	go func() { done <- sub.ServeTLS(l2) }()
	return sub, l1.Addr().String(), l2.Addr().String(), done
}

// subDial connects with STARTTLS and logs in as user (password1).
func subDial(t testing.TB, addr string, ca *testCA, user string) *gosmtp.Client {
	t.Helper()
	c, err := gosmtp.DialStartTLS(addr, ca.client)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Auth(sasl.NewPlainClient("", user, "password1")); err != nil {
		t.Fatalf("AUTH as %s: %v", user, err)
	}
	return c
}

// submit sends data from an authenticated client.
func submit(c *gosmtp.Client, from string, rcpts []string, data string) error {
	if err := c.Mail(from, nil); err != nil {
		return err
	}
	for _, r := range rcpts {
		if err := c.Rcpt(r, nil); err != nil {
			return err
		}
	}
	wc, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := io.WriteString(wc, data); err != nil {
		return err
	}
	return wc.Close()
}

func mailFrom(from string, to []string, subject string) string {
	h := "From: " + from + "\r\nTo: " + to[0] + "\r\nSubject: " + subject + "\r\n"
	return h + "\r\nhello\r\n"
}
