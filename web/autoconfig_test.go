package web

import (
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

// autoconfigDoc is the part of Mozilla's format the test reads.
type autoconfigDoc struct {
	Provider struct {
		ID      string   `xml:"id,attr"`
		Domains []string `xml:"domain"`
		Servers []struct {
			Type     string `xml:"type,attr"`
			Hostname string `xml:"hostname"`
			Port     int    `xml:"port"`
			Socket   string `xml:"socketType"`
			Username string `xml:"username"`
			Auth     string `xml:"authentication"`
		} `xml:",any"`
	} `xml:"emailProvider"`
}

// TestAutoconfig: both autoconfig URLs answer without a session and name
// the IMAP and SMTP hosts, ports and TLS; with no IMAP there is none.
func TestAutoconfig(t *testing.T) {
	e := connectEnv(t)
	for _, path := range []string{"/.well-known/autoconfig/mail/config-v1.1.xml", "/mail/config-v1.1.xml?emailaddress=bob%40example.test"} {
		resp, err := http.Get(e.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var doc autoconfigDoc
		if err := xml.Unmarshal(b, &doc); err != nil || resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/xml") {
			t.Fatalf("%s: %d %s %v\n%s", path, resp.StatusCode, resp.Header.Get("Content-Type"), err, b)
		}
		got := fmt.Sprintf("%s %v", doc.Provider.ID, doc.Provider.Domains)
		for _, s := range doc.Provider.Servers {
			if s.Type != "" {
				got += fmt.Sprintf(" %s:%s:%d:%s:%s:%s", s.Type, s.Hostname, s.Port, s.Socket, s.Username, s.Auth)
			}
		}
		want := "example.test [example.test] imap:127.0.0.1:1143:STARTTLS:%EMAILADDRESS%:password-cleartext" +
			" smtp:127.0.0.1:1465:SSL:%EMAILADDRESS%:password-cleartext"
		if got != want {
			t.Errorf("%s:\n got %s\nwant %s", path, got, want)
		}
	}
	e = newTestEnv(t)
	if resp, err := http.Get(e.srv.URL + "/.well-known/autoconfig/mail/config-v1.1.xml"); err != nil || resp.StatusCode != 404 {
		t.Fatalf("without IMAP: %v %v", resp.StatusCode, err)
	}
}
