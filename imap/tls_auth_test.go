package imap

import (
	"net"
	"strings"
	"testing"

	"github.com/emersion/go-imap/v2/imapclient"

	"groupd/internal/testkit"
)

// serveTLS serves e's server on an implicit-TLS loopback listener.
func (e *env) serveTLS(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go e.srv.ServeTLS(l)
	return l.Addr().String()
}

// TestImplicitTLS: imaps (RFC 8314 §3.3) with a certificate from a test
// CA; the user logs in and reads the archive.
func TestImplicitTLS(t *testing.T) {
	t.Parallel()
	srvTLS, cliTLS := testkit.NewCA(t)
	e := newEnv(t, func(o *Options) { o.TLSConfig = srvTLS })
	e.post(t, "team", message("secret", "over imaps"))
	c, err := imapclient.DialTLS(e.serveTLS(t), &imapclient.Options{TLSConfig: cliTLS})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login("bob@example.test", password).Wait(); err != nil {
		t.Fatal(err)
	}
	if d := mustSelect(t, c, "Groups/Team"); d.NumMessages != 1 {
		t.Errorf("%d messages over imaps", d.NumMessages)
	}
}

// TestLoginNeedsTLSOffLoopback: on a listener that is not loopback the
// server advertises LOGINDISABLED and refuses LOGIN with PRIVACYREQUIRED
// before STARTTLS, and accepts it after on the same connection.
func TestLoginNeedsTLSOffLoopback(t *testing.T) {
	t.Parallel()
	srvTLS, cliTLS := testkit.NewCA(t)
	off := false
	e := newEnv(t, func(o *Options) { o.TLSConfig = srvTLS; o.Loopback = &off })
	r := e.raw(t)
	r.send("a LOGIN bob@example.test " + password + "\r\n")
	if l := r.until("a "); !strings.HasPrefix(l, "a NO [PRIVACYREQUIRED]") {
		t.Fatalf("LOGIN without TLS answered %q", l)
	}
	r.c.Close()

	c, err := imapclient.DialStartTLS(e.addr, &imapclient.Options{TLSConfig: cliTLS})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login("bob@example.test", password).Wait(); err != nil {
		t.Fatalf("LOGIN after STARTTLS: %v", err)
	}
}
