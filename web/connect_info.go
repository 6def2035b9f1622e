package web

import (
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// endpoints is where a user's apps reach groupd, worked out for one
// request: the "Connect your apps" tab, the set-up documents and the
// admin's DNS records all show these same values.
type endpoints struct {
	Host     string // host name without port, for IMAP and submission
	WebHost  string // host[:port] of the HTTP listener as apps use it
	WebPort  int
	HTTPS    bool
	IMAP     mailServer // Port 0: not offered
	Submit   mailServer
	Domains  []string // the users' address domains
	ListDoms []string // the list domains
}

// mailServer is one mail listener: its port and how TLS is used there.
type mailServer struct {
	Host   string
	Port   int
	Socket string // "SSL" (implicit TLS), "STARTTLS" or "plain", as autoconfig spells it
}

// TLS reports whether the connection is encrypted at all.
func (m mailServer) TLS() bool { return m.Socket != "plain" }

// endpoints reads the configured Connect options, filling the host from
// the request's Host header (without its port) when none is configured.
// The HTTP port is the one the browser used, or the scheme's default.
func (s *server) endpoints(r *http.Request) endpoints {
	cn := s.opts.Connect
	reqHost, reqPort := splitHost(r.Host)
	host := strings.ToLower(strings.TrimSpace(cn.Host))
	if host == "" {
		host = reqHost
	}
	if !validHost(host) {
		host = "localhost"
	}
	e := endpoints{Host: host, HTTPS: cn.HTTPS, WebPort: reqPort,
		Domains: lowerAll(cn.UserDomains), ListDoms: lowerAll(cn.MailDomains)}
	if e.WebPort == 0 {
		e.WebPort = 80
		if e.HTTPS {
			e.WebPort = 443
		}
	}
	e.WebHost = hostPort(host, e.WebPort, e.HTTPS)
	e.IMAP = mailServer{Host: host, Port: cn.IMAPPort, Socket: socketType(cn.IMAPTLS, cn.StartTLS)}
	e.Submit = mailServer{Host: host, Port: cn.SubmissionPort, Socket: socketType(cn.SubmissionTLS, cn.StartTLS)}
	return e
}

// BaseURL is the HTTP listener's URL, without a trailing slash.
func (e endpoints) BaseURL() string {
	scheme := "http"
	if e.HTTPS {
		scheme = "https"
	}
	return (&url.URL{Scheme: scheme, Host: e.WebHost}).String()
}

// CalendarURL is a group's CalDAV collection (SPEC §3): kind is "events"
// or "tasks".
func (e endpoints) CalendarURL(group, kind string) string {
	return e.BaseURL() + "/dav/calendars/" + url.PathEscape(group) + "/" + kind + "/"
}

// FilesURL is a group's WebDAV folder.
func (e endpoints) FilesURL(group string) string {
	return e.BaseURL() + "/dav/files/" + url.PathEscape(group) + "/"
}

// PrincipalURL is a user's CalDAV principal, from which clients find
// every calendar of every group they belong to.
func (e endpoints) PrincipalURL(email string) string {
	return e.BaseURL() + "/dav/principals/" + url.PathEscape(email) + "/"
}

func socketType(implicit, startTLS bool) string {
	switch {
	case implicit:
		return "SSL"
	case startTLS:
		return "STARTTLS"
	}
	return "plain"
}

// splitHost splits a Host header into a lower-case host (IPv6 without
// brackets) and its port (0 when absent or not a number).
func splitHost(h string) (string, int) {
	host, p, err := net.SplitHostPort(h)
	if err != nil {
		return strings.ToLower(strings.Trim(h, "[]")), 0
	}
	n, _ := strconv.Atoi(p)
	return strings.ToLower(host), n
}

// hostPort joins host and port for a URL, leaving out the scheme's
// default port.
func hostPort(host string, port int, https bool) string {
	if (https && port == 443) || (!https && port == 80) {
		if strings.Contains(host, ":") {
			return "[" + host + "]"
		}
		return host
	}
	return net.JoinHostPort(host, strconv.Itoa(port))
}

// validHost: a DNS name or an IP address, nothing a document or a page
// could misread (the Host header is the client's to choose).
func validHost(h string) bool {
	if h == "" || len(h) > 253 {
		return false
	}
	if net.ParseIP(h) != nil {
		return true
	}
	for _, c := range h {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

func lowerAll(list []string) []string {
	out := make([]string, 0, len(list))
	for _, s := range list {
		if s = strings.ToLower(strings.TrimSpace(s)); s != "" {
			out = append(out, s)
		}
	}
	return out
}
