package config

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/netip"
	"strings"
)

// TLS is the [tls] table: one certificate for STARTTLS on submission and
// IMAP, the implicit-TLS listeners and, optionally, HTTPS.
type TLS struct {
	// CertFile is a PEM certificate chain (leaf first). Default "" (no
	// TLS: STARTTLS is not offered; AUTH only on loopback listeners).
	CertFile string `toml:"cert_file"`
	// KeyFile is the PEM private key of CertFile. Default "".
	KeyFile string `toml:"key_file"`
	// HTTP serves the http listener over HTTPS. Default false.
	HTTP bool `toml:"http"`
}

// Submission is the [submission] table.
type Submission struct {
	// AllowInsecureAuth allows AUTH without TLS on a listener that is not
	// loopback: for test set-ups only. Default false.
	AllowInsecureAuth bool `toml:"allow_insecure_auth"`
}

// IMAP is the [imap] table.
type IMAP struct {
	// AllowInsecureAuth allows LOGIN without TLS on a listener that is
	// not loopback: for test set-ups only. Default false.
	AllowInsecureAuth bool `toml:"allow_insecure_auth"`
}

// Enabled reports whether a certificate is configured.
func (t TLS) Enabled() bool { return t.CertFile != "" }

// Load reads the certificate and key into a server configuration (TLS
// 1.2 at least, RFC 8314 §4.1). Nil, nil when none is configured.
func (t TLS) Load() (*tls.Config, error) {
	if !t.Enabled() {
		return nil, nil
	}
	cert, err := tls.LoadX509KeyPair(t.CertFile, t.KeyFile)
	if err != nil {
		return nil, fmt.Errorf("tls.cert_file, tls.key_file: %w", err)
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, nil
}

// tlsProblems: cert_file and key_file go together, and what needs a
// certificate has one.
func (c Config) tlsProblems() []error {
	var errs []error
	t := c.TLS
	if (t.CertFile == "") != (t.KeyFile == "") {
		errs = append(errs, fmt.Errorf("tls: cert_file and key_file must both be set or both be empty"))
	}
	if t.CertFile != "" {
		return errs
	}
	for _, l := range []struct {
		key, addr string
		insecure  bool
	}{{"listen.submission", c.Listen.Submission, c.Submission.AllowInsecureAuth}, {"listen.imap", c.Listen.IMAP, c.IMAP.AllowInsecureAuth}} {
		if l.addr != "" && !l.insecure && !loopbackAddr(l.addr) {
			errs = append(errs, fmt.Errorf("%s: %s is not loopback, so logins need TLS: set tls.cert_file and tls.key_file (or allow_insecure_auth for a test set-up)", l.key, l.addr))
		}
	}
	for _, need := range []struct {
		key string
		on  bool
	}{{"listen.submissions", c.Listen.Submissions != ""}, {"listen.imaps", c.Listen.IMAPS != ""}, {"tls.http", t.HTTP}} {
		if need.on {
			errs = append(errs, fmt.Errorf("%s: needs a certificate (tls.cert_file and tls.key_file)", need.key))
		}
	}
	return errs
}

// loopbackAddr reports whether host:port names a loopback host.
func loopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return true // reported elsewhere
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.IsLoopback()
}

// checkNetworks requires CIDR prefixes or bare IP addresses.
func checkNetworks(key string, nets []string) []error {
	var errs []error
	for i, n := range nets {
		if _, err := ParseNetwork(n); err != nil {
			errs = append(errs, fmt.Errorf("%s[%d]: %q is not a network such as \"10.0.0.0/8\" or an IP address", key, i, n))
		}
	}
	return errs
}

// ParseNetwork parses a CIDR prefix or a bare IP (a one-address prefix).
func ParseNetwork(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		return p.Masked(), err
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// Networks parses TrustedNetworks (validated by Load).
func (m Mail) Networks() []netip.Prefix {
	out := make([]netip.Prefix, 0, len(m.TrustedNetworks))
	for _, n := range m.TrustedNetworks {
		if p, err := ParseNetwork(n); err == nil {
			out = append(out, p)
		}
	}
	return out
}
