package smtp

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/emersion/go-msgauth/dkim"
)

// TestAuthorDKIMStillVerifies: a post signed by the author's domain goes
// out with a signature that still verifies (RFC 6376), even with the
// subject prefix on, as long as From is not rewritten.
func TestAuthorDKIMStillVerifies(t *testing.T) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	raw := post(bob, "signed post", "line one\r\n.dot line\r\n\r\ntrailing  spaces  ", "Date: Sun, 29 Nov 2026 10:00:00 +0000")
	var signed bytes.Buffer
	err = dkim.Sign(&signed, strings.NewReader(raw), &dkim.SignOptions{Domain: "example.test", Selector: "s1", Signer: priv,
		HeaderKeys: []string{"From", "To", "Subject", "Date", "Message-ID"}})
	if err != nil {
		t.Fatal(err)
	}
	lookup := func(domain string) ([]string, error) {
		if domain != "s1._domainkey.example.test" {
			t.Errorf("looked up %s", domain)
		}
		return []string{"v=DKIM1; k=ed25519; p=" + base64.StdEncoding.EncodeToString(pub)}, nil
	}
	// The server verifies the signature: only a verified one keeps the
	// Subject it covers unprefixed (issue 16 item 9).
	w := newWorld(t, nil, func(o *Options) { o.SubjectPrefix = true; o.LookupTXT = lookup })
	w.startQueue(t, nil)
	if err := send(t, w.addr, bob, []string{teamList}, signed.String()); err != nil {
		t.Fatal(err)
	}
	out := w.relay.waitRcpts(t, 3)[partner][0]
	vs, err := dkim.VerifyWithOptions(bytes.NewReader(out), &dkim.VerifyOptions{LookupTXT: lookup})
	if err != nil || len(vs) != 1 {
		t.Fatalf("verify: %v (%d signatures)", err, len(vs))
	}
	if vs[0].Err != nil {
		t.Fatalf("the author's signature no longer verifies: %v\n%s", vs[0].Err, out)
	}
}
