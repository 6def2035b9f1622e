package main

import (
	"crypto/tls"
	"crypto/x509"
	"os"
	"path/filepath"
	"testing"
)

// TestSelfsigned: `groupd selfsigned -out DIR` writes a pair that loads,
// whose key is private, valid for the hosts asked; a second run refuses
// to overwrite it.
func TestSelfsigned(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "tls")
	if rc := cmdSelfsigned([]string{"-out", dir, "-host", "mail.example.test, 192.0.2.1"}); rc != 0 {
		t.Fatalf("exit %d", rc)
	}
	pair, err := tls.LoadX509KeyPair(filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(pair.Certificate[0])
	if err := cert.VerifyHostname("mail.example.test"); err != nil {
		t.Error(err)
	}
	if err := cert.VerifyHostname("192.0.2.1"); err != nil {
		t.Error(err)
	}
	if fi, _ := os.Stat(filepath.Join(dir, "key.pem")); fi.Mode().Perm() != 0o600 {
		t.Errorf("key mode %v", fi.Mode())
	}
	if rc := cmdSelfsigned([]string{"-out", dir}); rc == 0 {
		t.Error("overwrote an existing pair")
	}
}
