package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTLSKeys: the new keys load, and what needs a certificate says so,
// naming the key.
func TestTLSKeys(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cert, key := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(cert, []byte("x"), 0o600)
	os.WriteFile(key, []byte("x"), 0o600)
	got, err := Load(writeFile(t, `
[mail]
trusted_networks = ["10.0.0.0/8", "192.0.2.7", "2001:db8::/32"]
[listen]
submissions = "127.0.0.1:2465"
imaps = "127.0.0.1:2993"
[tls]
cert_file = "`+cert+`"
key_file = "`+key+`"
http = true
[submission]
allow_insecure_auth = true
[imap]
allow_insecure_auth = true
`))
	if err != nil {
		t.Fatal(err)
	}
	if !got.TLS.HTTP || !got.Submission.AllowInsecureAuth || !got.IMAP.AllowInsecureAuth || got.Listen.IMAPS == "" {
		t.Errorf("keys not loaded: %+v", got)
	}
	nets := got.Mail.Networks()
	if len(nets) != 3 || nets[1].String() != "192.0.2.7/32" {
		t.Errorf("networks %v", nets)
	}
	if _, err := got.TLS.Load(); err == nil || !strings.Contains(err.Error(), "tls.cert_file") {
		t.Errorf("a bad certificate loaded: %v", err)
	}
}

func TestTLSProblems(t *testing.T) {
	t.Parallel()
	_, err := Load(writeFile(t, `
[mail]
trusted_networks = ["10.0.0.0/33", "nope"]
[listen]
submissions = "127.0.0.1:2465"
imaps = "127.0.0.1:2465"
[tls]
http = true
key_file = "k.pem"
`))
	if err == nil {
		t.Fatal("loaded")
	}
	for _, want := range []string{"mail.trusted_networks[0]:", "mail.trusted_networks[1]:", "listen.imaps: 127.0.0.1:2465 is already listen.submissions",
		"tls: cert_file and key_file", "listen.submissions: needs a certificate", "tls.http: needs a certificate"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}

// TestDefaultTrustsLoopback: by default only loopback is trusted.
func TestDefaultTrustsLoopback(t *testing.T) {
	t.Parallel()
	n := Defaults().Mail.Networks()
	if len(n) != 2 || n[0].String() != "127.0.0.0/8" || n[1].String() != "::1/128" {
		t.Errorf("default trusted networks %v", n)
	}
}

// TestLoginsNeedTLSOffLoopback: a submission or IMAP listener off
// loopback without a certificate is refused unless the switch is on.
func TestLoginsNeedTLSOffLoopback(t *testing.T) {
	t.Parallel()
	_, err := Load(writeFile(t, "[listen]\nsubmission = \":2587\"\nimap = \"192.0.2.1:143\"\n"))
	for _, want := range []string{"listen.submission: :2587 is not loopback", "listen.imap: 192.0.2.1:143 is not loopback"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
	_, err = Load(writeFile(t, "[listen]\nsubmission = \":2587\"\nimap = \"localhost:143\"\n[submission]\nallow_insecure_auth = true\n"))
	if err != nil {
		t.Errorf("switch on, localhost: %v", err)
	}
}
