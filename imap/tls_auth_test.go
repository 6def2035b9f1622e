package imap

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2/imapclient"
)

// testCA makes a CA and a server certificate for 127.0.0.1 it signed:
// the server's config and a client config that trusts only that CA.
func testCA(t *testing.T) (server, client *tls.Config) {
	t.Helper()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}},
		&tls.Config{RootCAs: pool}
}

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
	srvTLS, cliTLS := testCA(t)
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
	srvTLS, cliTLS := testCA(t)
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
