package config

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
)

// Validate reports every impossible value of c at once (errors.Join), each
// error naming its key, such as `listen.http: "nope" is not host:port`.
func (c Config) Validate() error {
	return errors.Join(c.problems()...)
}

// problems lists what is wrong with c, in key order.
func (c Config) problems() []error {
	var errs []error
	add := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	add(checkDomain("hostname", c.Hostname))
	if strings.TrimSpace(c.DataDir) == "" {
		add(errors.New("data_dir: must not be empty"))
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		add(fmt.Errorf("log_level: %q is not one of debug, info, warn, error", c.LogLevel))
	}
	if c.ShutdownTimeout <= 0 {
		add(fmt.Errorf("shutdown_timeout: %s is not a positive duration such as \"10s\"", c.ShutdownTimeout))
	}
	errs = append(errs, c.Database.problems()...)
	errs = append(errs, checkDomains("mail.domains", c.Mail.Domains)...)
	errs = append(errs, checkDomains("mail.internal_domains", c.Mail.InternalDomains)...)
	add(checkRelay(c.Mail.Relay))
	if c.Mail.MaxMessageBytes <= 0 {
		add(fmt.Errorf("mail.max_message_bytes: %d is not a positive number of bytes", c.Mail.MaxMessageBytes))
	}
	errs = append(errs, checkNetworks("mail.trusted_networks", c.Mail.TrustedNetworks)...)
	errs = append(errs, c.Mail.Delivery.problems()...)
	errs = append(errs, c.Listen.problems()...)
	add(checkLanguage(c.Language))
	add(checkPublicURL(c.PublicURL))
	errs = append(errs, c.Web.problems()...)
	errs = append(errs, c.tlsProblems()...)
	errs = append(errs, c.DAV.problems()...)
	errs = append(errs, c.Notes.problems()...)
	errs = append(errs, c.Limits.problems()...)
	return errs
}

// problems checks each listen address and that no two share a port.
func (l Listen) problems() []error {
	var errs []error
	seen := map[string]string{}
	for _, kv := range [][2]string{
		{"listen.smtp", l.SMTP}, {"listen.submission", l.Submission},
		{"listen.imap", l.IMAP}, {"listen.http", l.HTTP},
		{"listen.submissions", l.Submissions}, {"listen.imaps", l.IMAPS},
	} {
		key, addr := kv[0], kv[1]
		if addr == "" {
			continue // disabled
		}
		_, port, err := splitHostPort(key, addr)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if port == 0 {
			continue // a free port, chosen at start
		}
		if other, dup := seen[addr]; dup {
			errs = append(errs, fmt.Errorf("%s: %s is already %s", key, addr, other))
		}
		seen[addr] = key
	}
	return errs
}

// checkRelay requires host:port with a host.
func checkRelay(addr string) error {
	host, port, err := splitHostPort("mail.relay", addr)
	if err != nil {
		return err
	}
	if host == "" {
		return fmt.Errorf("mail.relay: %q has no host", addr)
	}
	if port == 0 {
		return fmt.Errorf("mail.relay: %q has port 0", addr)
	}
	return nil
}

// splitHostPort parses host:port with a numeric port 0–65535.
func splitHostPort(key, addr string) (string, int, error) {
	host, p, err := net.SplitHostPort(addr)
	if err != nil {
		return "", 0, fmt.Errorf("%s: %q is not host:port", key, addr)
	}
	port, err := strconv.Atoi(p)
	if err != nil {
		return "", 0, fmt.Errorf("%s: in %q the port %q is not a number; write host:port such as \"127.0.0.1:2525\"", key, addr, p)
	}
	if port < 0 || port > 65535 {
		return "", 0, fmt.Errorf("%s: in %q the port %d is out of range: ports go from 0 to 65535", key, addr, port)
	}
	return host, port, nil
}

// checkDomains requires a non-empty list of distinct valid domains.
func checkDomains(key string, ds []string) []error {
	if len(ds) == 0 {
		return []error{fmt.Errorf("%s: must list at least one domain", key)}
	}
	var errs []error
	seen := map[string]bool{}
	for i, d := range ds {
		k := fmt.Sprintf("%s[%d]", key, i)
		if err := checkDomain(k, d); err != nil {
			errs = append(errs, err)
		} else if seen[d] {
			errs = append(errs, fmt.Errorf("%s: %q is listed twice", k, d))
		}
		seen[d] = true
	}
	return errs
}

// checkDomain requires an LDH domain name (RFC 1035 §2.3.1, RFC 1123
// §2.1): labels of 1–63 letters, digits and hyphens, not starting or
// ending with a hyphen, 253 characters at most.
func checkDomain(key, d string) error {
	bad := func(why string) error { return fmt.Errorf("%s: %q is not a domain name: %s", key, d, why) }
	if d == "" {
		return fmt.Errorf("%s: must not be empty", key)
	}
	if len(d) > 253 {
		return bad("longer than 253 characters")
	}
	for _, label := range strings.Split(d, ".") {
		if label == "" || len(label) > 63 {
			return bad("each label must be 1-63 characters")
		}
		if label[0] == '-' || label[len(label)-1] == '-' {
			return bad("a label starts or ends with '-'")
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
				return bad(fmt.Sprintf("%q is not a letter, digit or '-'", r))
			}
		}
	}
	return nil
}
