package web

import (
	"encoding/xml"
	"strings"
)

// Thunderbird's autoconfig document (Mozilla's "config-v1.1.xml" format):
// a mail client given only an address fetches it from
// /.well-known/autoconfig/mail/config-v1.1.xml at the address's domain, or
// from /mail/config-v1.1.xml?emailaddress=… at autoconfig.<domain>, and
// sets up IMAP and SMTP submission with what it says. Public: it holds no
// secret, only where the servers are.

type clientConfig struct {
	XMLName  xml.Name      `xml:"clientConfig"`
	Version  string        `xml:"version,attr"`
	Provider emailProvider `xml:"emailProvider"`
}

type emailProvider struct {
	ID        string         `xml:"id,attr"`
	Domains   []string       `xml:"domain"`
	Name      string         `xml:"displayName"`
	ShortName string         `xml:"displayShortName"`
	Incoming  []configServer `xml:"incomingServer"`
	Outgoing  []configServer `xml:"outgoingServer"`
}

type configServer struct {
	Type     string `xml:"type,attr"` // imap, smtp
	Hostname string `xml:"hostname"`
	Port     int    `xml:"port"`
	Socket   string `xml:"socketType"` // SSL, STARTTLS, plain
	Username string `xml:"username"`
	Auth     string `xml:"authentication"`
}

// autoconfig answers the document; with no IMAP listener there is
// nothing to set up, and the answer is "not found".
func (s *server) autoconfig(c *reqCtx) error {
	e := s.endpoints(c.r)
	if e.IMAP.Port == 0 {
		return errNotFound()
	}
	domains := e.Domains
	if len(domains) == 0 {
		// No configured user domain: the asked address's, else the host.
		_, d, _ := strings.Cut(c.r.URL.Query().Get("emailaddress"), "@")
		if d = strings.ToLower(d); validHost(d) {
			domains = []string{d}
		} else {
			domains = []string{e.Host}
		}
	}
	p := emailProvider{ID: domains[0], Domains: domains, Name: c.T("app.name") + " (" + e.Host + ")", ShortName: c.T("app.name")}
	p.Incoming = append(p.Incoming, mailConfigServer("imap", e.IMAP))
	if e.Submit.Port != 0 {
		p.Outgoing = append(p.Outgoing, mailConfigServer("smtp", e.Submit))
	}
	out, err := xml.MarshalIndent(clientConfig{Version: "1.1", Provider: p}, "", "  ")
	if err != nil {
		return err
	}
	h := c.w.Header()
	h.Set("Content-Type", "text/xml; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	c.w.Write([]byte(xml.Header))
	c.w.Write(out)
	c.w.Write([]byte("\n"))
	return nil
}

// mailConfigServer: the user signs in with their whole address and a
// password (an app password), sent inside the TLS the socket type names.
func mailConfigServer(kind string, m mailServer) configServer {
	return configServer{Type: kind, Hostname: m.Host, Port: m.Port, Socket: m.Socket,
		Username: "%EMAILADDRESS%", Auth: "password-cleartext"}
}
