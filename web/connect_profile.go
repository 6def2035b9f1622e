package web

import (
	"bytes"
	"crypto/rand"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"

	"groupd/groups"
)

// An Apple configuration profile (.mobileconfig) that an iPhone or a Mac
// installs in one tap: a CalDAV account (com.apple.caldav.account) and a
// mail account (com.apple.mail.managed, IMAP in, submission out), both
// signed in with a fresh app password made for this profile. It is an XML
// property list (Apple's PropertyList-1.0 DTD), unsigned.

// plistDict is a property-list dictionary whose keys keep their order.
type plistDict []plistEntry

type plistEntry struct {
	Key   string
	Value any // string, int, bool, []plistDict or plistDict
}

// profileOf builds the profile of u with the app password secret.
func (s *server) profileOf(c *reqCtx, e endpoints, u *groups.User, secret string) plistDict {
	ident := "groupd." + reverseDomain(e.Host)
	caldav := plistDict{
		{"PayloadType", "com.apple.caldav.account"},
		{"PayloadVersion", 1},
		{"PayloadIdentifier", ident + ".caldav"},
		{"PayloadUUID", newUUID()},
		{"PayloadDisplayName", c.T("connect.profile.caldav")},
		{"CalDAVAccountDescription", c.T("connect.profile.caldav.name", e.Host)},
		{"CalDAVHostName", e.Host},
		{"CalDAVPort", e.WebPort},
		{"CalDAVUseSSL", e.HTTPS},
		{"CalDAVUsername", u.Email},
		{"CalDAVPassword", secret},
		{"CalDAVPrincipalURL", e.PrincipalURL(u.Email)},
	}
	payloads := []plistDict{caldav}
	if e.IMAP.Port != 0 && e.Submit.Port != 0 {
		payloads = append(payloads, s.mailPayload(c, e, u, secret, ident))
	}
	return plistDict{
		{"PayloadType", "Configuration"},
		{"PayloadVersion", 1},
		{"PayloadIdentifier", ident},
		{"PayloadUUID", newUUID()},
		{"PayloadDisplayName", c.T("connect.profile.name", e.Host)},
		{"PayloadDescription", c.T("connect.profile.description", u.Email)},
		{"PayloadRemovalDisallowed", false},
		{"PayloadContent", payloads},
	}
}

// mailPayload is the IMAP and submission account. "UseSSL" means TLS,
// implicit or by STARTTLS, which the device negotiates on a plain port.
func (s *server) mailPayload(c *reqCtx, e endpoints, u *groups.User, secret, ident string) plistDict {
	return plistDict{
		{"PayloadType", "com.apple.mail.managed"},
		{"PayloadVersion", 1},
		{"PayloadIdentifier", ident + ".mail"},
		{"PayloadUUID", newUUID()},
		{"PayloadDisplayName", c.T("connect.profile.mail")},
		{"EmailAccountDescription", c.T("connect.profile.mail.name", e.Host)},
		{"EmailAccountName", u.Name},
		{"EmailAccountType", "EmailTypeIMAP"},
		{"EmailAddress", u.Email},
		{"IncomingMailServerAuthentication", "EmailAuthPassword"},
		{"IncomingMailServerHostName", e.IMAP.Host},
		{"IncomingMailServerPortNumber", e.IMAP.Port},
		{"IncomingMailServerUseSSL", e.IMAP.TLS()},
		{"IncomingMailServerUsername", u.Email},
		{"IncomingPassword", secret},
		{"OutgoingMailServerAuthentication", "EmailAuthPassword"},
		{"OutgoingMailServerHostName", e.Submit.Host},
		{"OutgoingMailServerPortNumber", e.Submit.Port},
		{"OutgoingMailServerUseSSL", e.Submit.TLS()},
		{"OutgoingMailServerUsername", u.Email},
		{"OutgoingPassword", secret},
	}
}

// mobileconfig answers the profile as a download, with a new app password
// named after the device kind the user gave (or "Apple device").
func (s *server) mobileconfig(c *reqCtx) error {
	u := c.sess.User
	name := strings.TrimSpace(c.r.PostFormValue("name"))
	if name == "" {
		name = c.T("connect.profile.appname")
	}
	ap, err := s.store.CreateAppPassword(c.r.Context(), c.actor(), u.Email, name)
	if err != nil {
		return err
	}
	e := s.endpoints(c.r)
	var buf bytes.Buffer
	writePlist(&buf, s.profileOf(c, e, u, ap.Password))
	h := c.w.Header()
	h.Set("Content-Type", "application/x-apple-aspen-config")
	h.Set("Content-Disposition", `attachment; filename="`+profileFileName(e.Host)+`"`)
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	c.w.Write(buf.Bytes())
	return nil
}

// writePlist writes d as an XML property list; every string is escaped.
func writePlist(b *bytes.Buffer, d plistDict) {
	b.WriteString(xml.Header)
	b.WriteString(`<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">` + "\n")
	b.WriteString(`<plist version="1.0">` + "\n")
	writePlistValue(b, d, 0)
	b.WriteString("</plist>\n")
}

func writePlistValue(b *bytes.Buffer, v any, depth int) {
	pad := strings.Repeat("\t", depth)
	switch v := v.(type) {
	case string:
		b.WriteString(pad + "<string>")
		xml.EscapeText(b, []byte(v))
		b.WriteString("</string>\n")
	case int:
		fmt.Fprintf(b, "%s<integer>%d</integer>\n", pad, v)
	case bool:
		if v {
			b.WriteString(pad + "<true/>\n")
		} else {
			b.WriteString(pad + "<false/>\n")
		}
	case []plistDict:
		b.WriteString(pad + "<array>\n")
		for _, d := range v {
			writePlistValue(b, d, depth+1)
		}
		b.WriteString(pad + "</array>\n")
	case plistDict:
		b.WriteString(pad + "<dict>\n")
		for _, e := range v {
			b.WriteString(pad + "\t<key>")
			xml.EscapeText(b, []byte(e.Key))
			b.WriteString("</key>\n")
			writePlistValue(b, e.Value, depth+1)
		}
		b.WriteString(pad + "</dict>\n")
	default:
		panic(fmt.Sprintf("web: plist value of type %T", v))
	}
}

// newUUID is a random (version 4) UUID, RFC 9562 §5.4.
func newUUID() string {
	var u [16]byte
	rand.Read(u[:])
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return fmt.Sprintf("%X-%X-%X-%X-%X", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

// reverseDomain turns "groups.example.com" into "com.example.groups",
// the reverse-DNS style of payload identifiers.
func reverseDomain(host string) string {
	parts := strings.FieldsFunc(host, func(r rune) bool { return r == '.' || r == ':' })
	for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
		parts[i], parts[j] = parts[j], parts[i]
	}
	return strings.Join(parts, ".")
}

// profileFileName is the download's name: the host, in safe characters.
func profileFileName(host string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '.' {
			return r
		}
		return '-'
	}, host) + ".mobileconfig"
}
