package config

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// checkPublicURL validates public_url (issue 13): the daemon's public
// base for links in mail (one-click unsubscribe, the console's pages in
// notices). Empty means none. Otherwise an absolute https URL with a host
// and no query or fragment; http only on a loopback host, for tests.
func checkPublicURL(s string) error {
	if s == "" {
		return nil
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return fmt.Errorf("public_url: %q is not an absolute URL such as \"https://groups.example.test\"", s)
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if loopback(u.Hostname()) {
			return nil
		}
	}
	return fmt.Errorf("public_url: %q must be https (http only on a loopback host)", s)
}

func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// PublicBase is public_url without a trailing slash, for joining paths.
func (c *Config) PublicBase() string { return strings.TrimRight(c.PublicURL, "/") }
