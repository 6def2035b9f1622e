package daemon

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-sasl"
	gosmtp "github.com/emersion/go-smtp"

	"groupd/config"
	"groupd/groups"
)

// TestTLSListeners: with a certificate from `groupd selfsigned`'s
// generator, HTTPS, submission over implicit TLS and STARTTLS, and imaps
// all serve, and a client that trusts only that certificate logs in.
func TestTLSListeners(t *testing.T) {
	dir := t.TempDir()
	cert, key, err := config.WriteSelfSigned(t.TempDir(), []string{"localhost", "127.0.0.1"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(t, dir)
	cfg.Listen = config.Listen{HTTP: "127.0.0.1:0", Submission: "127.0.0.1:0", Submissions: "127.0.0.1:0",
		IMAPS: "127.0.0.1:0"}
	cfg.TLS = config.TLS{CertFile: cert, KeyFile: key, HTTP: true}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	d, logs := startDaemon(t, cfg)
	email, name, pw := "alice@example.test", "Alice", "correct horse battery"
	if _, err := d.store.CreateUser(context.Background(), groups.AdminActor(),
		groups.UserSpec{Email: &email, Name: &name, Password: &pw}); err != nil {
		t.Fatal(err)
	}
	pem, _ := os.ReadFile(cert)
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	client := &tls.Config{RootCAs: pool, ServerName: "localhost"}

	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: client}}
	resp, err := hc.Get("https://" + d.Addr("http").String() + "/healthz")
	if err != nil {
		t.Fatalf("HTTPS: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("HTTPS /healthz: %d", resp.StatusCode)
	}

	c, err := gosmtp.DialTLS(d.Addr("submissions").String(), client)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Auth(sasl.NewPlainClient("", email, pw)); err != nil {
		t.Errorf("AUTH over submissions: %v", err)
	}
	c.Close()
	c, err = gosmtp.DialStartTLS(d.Addr("submission").String(), client)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Auth(sasl.NewLoginClient(email, pw)); err != nil {
		t.Errorf("AUTH LOGIN after STARTTLS: %v", err)
	}
	c.Close()

	ic, err := imapclient.DialTLS(d.Addr("imaps").String(), &imapclient.Options{TLSConfig: client})
	if err != nil {
		t.Fatal(err)
	}
	if err := ic.Login(email, pw).Wait(); err != nil {
		t.Errorf("LOGIN over imaps: %v", err)
	}
	ic.Close()
	if strings.Contains(logs.String(), pw) {
		t.Error("the log holds the password")
	}
}
