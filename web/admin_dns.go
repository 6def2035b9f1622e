package web

import (
	"fmt"
	"net"
	"net/http"
	"strconv"
)

// The DNS records an admin publishes so that mail and calendar clients
// find groupd from an address alone: RFC 6186 SRV records for IMAP and
// submission (with RFC 8314 §5.1's _submissions), RFC 6764 SRV and TXT
// records for CalDAV, and a CNAME for Thunderbird's autoconfig host. The
// ports and TLS are the configured listeners'; the target is the host
// apps use (web.Options.Connect.Host or the one the browser used).

// dnsRecord is one resource record in zone-file form.
type dnsRecord struct {
	Name, Type, Value string
	Note              string // what it is for
}

// Line is the record as a zone file line (TTL one hour).
func (r dnsRecord) Line() string { return fmt.Sprintf("%s 3600 IN %s %s", r.Name, r.Type, r.Value) }

type dnsPage struct {
	Tabs     []tab
	Host     string
	HostIsIP bool
	Domains  []dnsDomain
}

type dnsDomain struct {
	Domain  string
	Records []dnsRecord
}

func (s *server) adminDNS(c *reqCtx) error {
	e := s.endpoints(c.r)
	p := dnsPage{Tabs: adminTabs(c, "dns"), Host: e.Host, HostIsIP: net.ParseIP(e.Host) != nil}
	for _, d := range e.Domains {
		p.Domains = append(p.Domains, dnsDomain{Domain: d, Records: dnsRecords(e, d, c.T)})
	}
	return c.render(http.StatusOK, "admin_dns", c.T("admin.dns.title"), p)
}

// dnsRecords are the records of one user domain d.
func dnsRecords(e endpoints, d string, T func(string, ...any) string) []dnsRecord {
	target := e.Host + "."
	var out []dnsRecord
	// RFC 6186 §3.2 (IMAP), §3.1 (submission); RFC 8314 §5.1: the
	// implicit-TLS services are _imaps and _submissions.
	out = append(out, srvPair("imap", d, e.IMAP, target, T("admin.dns.note.imap"))...)
	out = append(out, srvPair("submission", d, e.Submit, target, T("admin.dns.note.submission"))...)
	// RFC 6764 §3 (SRV) and §4 (TXT path): CalDAV over HTTPS is
	// _caldavs, over plain HTTP _caldav.
	cal := mailServer{Port: e.WebPort, Socket: "plain"}
	if e.HTTPS {
		cal.Socket = "SSL"
	}
	out = append(out, srvPair("caldav", d, cal, target, T("admin.dns.note.caldav"))...)
	service := "_caldav"
	if e.HTTPS {
		service = "_caldavs"
	}
	out = append(out, dnsRecord{Name: service + "._tcp." + d + ".", Type: "TXT", Value: `"path=/dav/"`,
		Note: T("admin.dns.note.caldav.path")})
	if net.ParseIP(e.Host) == nil && e.Host != "autoconfig."+d {
		out = append(out, dnsRecord{Name: "autoconfig." + d + ".", Type: "CNAME", Value: target,
			Note: T("admin.dns.note.autoconfig")})
	}
	return out
}

// srvPair gives the plain and the implicit-TLS SRV records of a service:
// the one the listener serves points at it; the other has the target "."
// (RFC 2782; RFC 6186 §3.4: the service is not offered), so that clients
// do not try it. A port of 0 (not offered) makes both ".".
func srvPair(service, domain string, m mailServer, target, note string) []dnsRecord {
	rec := func(svc string, on bool) dnsRecord {
		r := dnsRecord{Name: "_" + svc + "._tcp." + domain + ".", Type: "SRV", Value: "0 0 0 .", Note: note}
		if on && m.Port != 0 {
			r.Value = "0 1 " + strconv.Itoa(m.Port) + " " + target
		}
		return r
	}
	implicit := m.Socket == "SSL"
	return []dnsRecord{rec(service, !implicit), rec(service+"s", implicit)}
}
