package imap

import (
	"crypto/tls"
	"testing"

	"github.com/emersion/go-imap/v2/imapclient"

	"groupd/internal/testkit"
)

func TestStartTLS(t *testing.T) {
	t.Parallel()
	srvTLS, _ := testkit.NewCA(t)
	e := newEnv(t, func(o *Options) { o.TLSConfig = srvTLS })
	e.post(t, "team", message("secret", "over TLS"))
	c, err := imapclient.DialStartTLS(e.addr, &imapclient.Options{TLSConfig: &tls.Config{InsecureSkipVerify: true}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login("bob@example.test", password).Wait(); err != nil {
		t.Fatal(err)
	}
	if d := mustSelect(t, c, "Groups/Team"); d.NumMessages != 1 {
		t.Errorf("%d messages over STARTTLS", d.NumMessages)
	}
}
