package smtp

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"net/netip"
	"strings"
	"testing"

	"github.com/emersion/go-msgauth/dkim"

	"groupd/groups"
)

// dkimKey is a test signing key of one domain, served by lookup.
type dkimKey struct {
	domain string
	priv   ed25519.PrivateKey
	pub    ed25519.PublicKey
}

func newDKIMKey(t *testing.T, domain string) *dkimKey {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return &dkimKey{domain: domain, priv: priv, pub: pub}
}

func (k *dkimKey) sign(t *testing.T, raw string) string {
	t.Helper()
	var b bytes.Buffer
	err := dkim.Sign(&b, strings.NewReader(raw), &dkim.SignOptions{Domain: k.domain, Selector: "s1", Signer: k.priv,
		HeaderKeys: []string{"From", "To", "Subject", "Message-ID"}})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// lookup is the resolver hook: the key of k's domain, nothing else.
func (k *dkimKey) lookup(domain string) ([]string, error) {
	if domain == "s1._domainkey."+k.domain {
		return []string{"v=DKIM1; k=ed25519; p=" + base64.StdEncoding.EncodeToString(k.pub)}, nil
	}
	return nil, nil
}

// untrusted makes the server trust 10.0.0.0/8 only, so that the test
// client on 127.0.0.1 is outside the trusted networks.
func untrusted(k *dkimKey) func(*Options) {
	return func(o *Options) {
		o.TrustedNetworks = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
		if k != nil {
			o.LookupTXT = k.lookup
		}
	}
}

// TestForgedInternalSenderRefused: a block_external list refuses mail
// claiming bob@example.test that comes from outside the trusted networks
// without a DKIM signature, with a sentence saying why.
func TestForgedInternalSenderRefused(t *testing.T) {
	w := newWorld(t, &groups.ListSpec{BlockExternal: ptr(true)}, untrusted(nil))
	err := send(t, w.addr, bob, []string{teamList}, post(bob, "forged", "hi"))
	se := wantCode(t, err, 550, "5.7.1")
	if !strings.Contains(se.Message, "DKIM") {
		t.Errorf("refusal: %q", se.Message)
	}
	if n := len(w.relay.received()); n != 0 {
		t.Errorf("%d recipients got the forged post", n)
	}
}

// TestInternalSenderWithDKIMAccepted: the same message signed by
// example.test (key served through the resolver hook) is a post.
func TestInternalSenderWithDKIMAccepted(t *testing.T) {
	k := newDKIMKey(t, "example.test")
	w := newWorld(t, &groups.ListSpec{BlockExternal: ptr(true)}, untrusted(k))
	w.startQueue(t, nil)
	if err := send(t, w.addr, bob, []string{teamList}, k.sign(t, post(bob, "signed", "hi"))); err != nil {
		t.Fatalf("signed post: %v", err)
	}
	if got := w.relay.waitRcpts(t, 3); len(got[alice]) != 1 {
		t.Fatalf("alice got %d", len(got[alice]))
	}
}

// TestInternalSenderWrongDKIMDomain: a signature that verifies but is of
// another domain does not vouch for example.test; nor does a broken one.
func TestInternalSenderWrongDKIMDomain(t *testing.T) {
	other := newDKIMKey(t, "elsewhere.example")
	w := newWorld(t, &groups.ListSpec{BlockExternal: ptr(true)}, untrusted(other))
	err := send(t, w.addr, bob, []string{teamList}, other.sign(t, post(bob, "other domain", "hi")))
	wantCode(t, err, 550, "5.7.1")

	k := newDKIMKey(t, "example.test")
	w2 := newWorld(t, &groups.ListSpec{BlockExternal: ptr(true)}, untrusted(k))
	tampered := strings.Replace(k.sign(t, post(bob, "tampered", "hi")), "\r\nhi\r\n", "\r\nchanged\r\n", 1)
	wantCode(t, send(t, w2.addr, bob, []string{teamList}, tampered), 550, "5.7.1")
}

// TestUnverifiedInternalMemberIsExternal: for a members-only list an
// unsigned internal member from outside is not recognised as a member,
// while the external member (not claiming an internal domain) still posts;
// an "anyone" list takes the unsigned post.
func TestUnverifiedInternalMemberIsExternal(t *testing.T) {
	w := newWorld(t, nil, untrusted(nil))
	w.startQueue(t, nil)
	wantCode(t, send(t, w.addr, bob, []string{teamList}, post(bob, "unsigned", "hi")), 550, "5.7.1")
	if err := send(t, w.addr, partner, []string{teamList}, post(partner, "partner", "hi")); err != nil {
		t.Fatalf("external member: %v", err)
	}
	w.relay.waitRcpts(t, 3)
	addGroup(t, w.st, "open", []string{alice}, nil, &groups.ListSpec{SendRestriction: ptr("anyone")})
	if err := send(t, w.addr, bob, []string{"open@" + listDomain}, post(bob, "to anyone list", "hi")); err != nil {
		t.Fatalf("anyone list: %v", err)
	}
}

// TestTrustedNetworkBelieved: from a trusted network (the default,
// loopback) the internal sender needs no signature.
func TestTrustedNetworkBelieved(t *testing.T) {
	w := newWorld(t, &groups.ListSpec{BlockExternal: ptr(true)}, nil)
	if err := send(t, w.addr, bob, []string{teamList}, post(bob, "trusted", "hi")); err != nil {
		t.Fatal(err)
	}
}
