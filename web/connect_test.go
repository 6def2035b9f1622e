package web

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"groupd/groups"
)

// connectEnv: alice masters "team" (every feature on), bob is a member,
// eve is not; IMAP on 1143 with STARTTLS, submission with implicit TLS.
func connectEnv(t *testing.T, mod ...func(*Options)) *testEnv {
	t.Helper()
	e := newTestEnv(t, append([]func(*Options){func(o *Options) {
		o.Connect = Connect{IMAPPort: 1143, SubmissionPort: 1465, SubmissionTLS: true, StartTLS: true,
			UserDomains: []string{"example.test"}, MailDomains: []string{"lists.example.test"}}
	}}, mod...)...)
	e.group(t, "alice@example.test", groups.GroupSpec{ID: str("team"), Name: str("Team"), Members: []string{"bob@example.test"}})
	return e
}

// TestConnectTab: a member sees the CalDAV, WebDAV and IMAP addresses
// with the host the browser used, a tab on the group page, and the steps
// per client; a non-member is refused; a private group stays not found.
func TestConnectTab(t *testing.T) {
	e := connectEnv(t)
	host := strings.TrimPrefix(e.srv.URL, "http://")
	bob := e.signin(t, "bob@example.test", "password1")
	if _, b := bob.get(t, "/g/team"); !strings.Contains(b, `href="/g/team/connect"`) {
		t.Fatal("no Connect your apps tab on the group page")
	}
	st, body := bob.get(t, "/g/team/connect")
	page := text(body)
	for _, want := range []string{
		"http://" + host + "/dav/calendars/team/events/",
		"http://" + host + "/dav/calendars/team/tasks/",
		"http://" + host + "/dav/files/team/",
		"dav://" + host + "/dav/files/team/",
		"Message archive (IMAP) 127.0.0.1 · port 1143 · STARTTLS",
		"Sending posts (SMTP submission) 127.0.0.1 · port 1465 · SSL/TLS",
		"team@lists.example.test",
		"Thunderbird", "Apple Calendar and Finder", "DAVx⁵ (Android)", "Windows", "GNOME Files", "rclone",
	} {
		if st != 200 || !strings.Contains(page, want) {
			t.Errorf("connect page (%d) lacks %q", st, want)
		}
	}
	e.group(t, "alice@example.test", groups.GroupSpec{ID: str("open"), Name: str("Open")})
	e.group(t, "alice@example.test", groups.GroupSpec{ID: str("hidden"), Name: str("Hidden"), Public: no()})
	eve := e.signin(t, "eve@example.test", "password1")
	if st, b := eve.get(t, "/g/open/connect"); st != http.StatusForbidden || !strings.Contains(text(b), "Only members of this group") {
		t.Errorf("non-member on a public group: %d %s", st, text(b))
	}
	if st, _ := eve.get(t, "/g/hidden/connect"); st != http.StatusNotFound {
		t.Errorf("non-member on a private group: %d", st)
	}
}

// TestConnectAppPassword: the button makes an app password, shown once on
// the answer, which logs in to the store for the protocols.
func TestConnectAppPassword(t *testing.T) {
	e := connectEnv(t)
	bob := e.signin(t, "bob@example.test", "password1")
	bob.get(t, "/g/team/connect")
	st, body, _ := bob.postForm(t, "/g/team/connect/app-password", url.Values{"name": {"Laptop"}})
	m := secretRE.FindStringSubmatch(body)
	if st != 200 || m == nil {
		t.Fatalf("create: %d %s", st, text(body))
	}
	if _, err := e.store.Login(context.Background(), groups.LoginRequest{Email: "bob@example.test", Password: m[1],
		Remote: "192.0.2.1:1", Protocol: "dav"}); err != nil {
		t.Fatalf("the app password does not log in: %v", err)
	}
	if _, again := bob.get(t, "/g/team/connect"); strings.Contains(again, m[1]) {
		t.Fatal("the secret is shown again")
	}
}

// TestMobileconfig: the profile is a well-formed property list naming
// the host, ports and user, with values escaped, and its fresh app
// password logs in. Without the CSRF token there is no profile.
func TestMobileconfig(t *testing.T) {
	e := connectEnv(t, func(o *Options) { o.Connect.Host = "groups.example.test"; o.Connect.HTTPS = true })
	ctx := context.Background()
	name := `Bob <& "Co">`
	if _, err := e.store.UpdateUser(ctx, groups.AdminActor(), "bob@example.test", groups.UserSpec{Name: &name}); err != nil {
		t.Fatal(err)
	}
	bob := e.signin(t, "bob@example.test", "password1")
	bob.get(t, "/g/team/connect")
	if st, _, _ := bob.postForm(t, "/g/team/connect/profile", url.Values{"_csrf": {"forged"}}); st != http.StatusForbidden {
		t.Fatalf("profile without the token: %d", st)
	}
	resp := postRaw(t, bob, "/g/team/connect/profile")
	if ct := resp.Header.Get("Content-Type"); ct != "application/x-apple-aspen-config" {
		t.Errorf("Content-Type %q", ct)
	}
	if cd := resp.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, ".mobileconfig") {
		t.Errorf("Content-Disposition %q", cd)
	}
	body, _ := io.ReadAll(resp.Body)
	top, err := parsePlist(body)
	if err != nil {
		t.Fatalf("not a property list: %v\n%s", err, body)
	}
	if top["PayloadType"] != "Configuration" {
		t.Errorf("top PayloadType %v", top["PayloadType"])
	}
	payloads := map[string]map[string]any{}
	for _, p := range top["PayloadContent"].([]any) {
		d := p.(map[string]any)
		payloads[d["PayloadType"].(string)] = d
	}
	port, _ := strconv.Atoi(strings.TrimPrefix(e.srv.URL[strings.LastIndex(e.srv.URL, ":"):], ":"))
	cal, mail := payloads["com.apple.caldav.account"], payloads["com.apple.mail.managed"]
	want := map[string]map[string]any{
		"caldav": {"CalDAVHostName": "groups.example.test", "CalDAVPort": port, "CalDAVUseSSL": true,
			"CalDAVUsername":     "bob@example.test",
			"CalDAVPrincipalURL": fmt.Sprintf("https://groups.example.test:%d/dav/principals/bob@example.test/", port)},
		"mail": {"EmailAddress": "bob@example.test", "EmailAccountName": name,
			"IncomingMailServerHostName": "groups.example.test", "IncomingMailServerPortNumber": 1143,
			"IncomingMailServerUseSSL": true, "IncomingMailServerUsername": "bob@example.test",
			"OutgoingMailServerHostName": "groups.example.test", "OutgoingMailServerPortNumber": 1465,
			"OutgoingMailServerUseSSL": true, "OutgoingMailServerUsername": "bob@example.test"},
	}
	for k, v := range want["caldav"] {
		if cal[k] != v {
			t.Errorf("caldav %s = %#v, want %#v", k, cal[k], v)
		}
	}
	for k, v := range want["mail"] {
		if mail[k] != v {
			t.Errorf("mail %s = %#v, want %#v", k, mail[k], v)
		}
	}
	if cal["PayloadUUID"] == mail["PayloadUUID"] || cal["PayloadUUID"] == top["PayloadUUID"] {
		t.Error("payload UUIDs repeat")
	}
	secret, _ := cal["CalDAVPassword"].(string)
	if secret == "" || mail["IncomingPassword"] != secret || mail["OutgoingPassword"] != secret {
		t.Fatalf("passwords: %v %v %v", cal["CalDAVPassword"], mail["IncomingPassword"], mail["OutgoingPassword"])
	}
	if _, err := e.store.Login(ctx, groups.LoginRequest{Email: "bob@example.test", Password: secret, Remote: "192.0.2.1:1", Protocol: "dav"}); err != nil {
		t.Fatalf("the profile's password does not log in: %v", err)
	}
	// The account page offers the same download.
	bob.get(t, "/account")
	if r := postRaw(t, bob, "/account/profile"); r.StatusCode != 200 || r.Header.Get("Content-Type") != "application/x-apple-aspen-config" {
		t.Fatalf("account profile: %d %s", r.StatusCode, r.Header.Get("Content-Type"))
	}
}

// postRaw posts an empty form with the CSRF token and returns the answer,
// which must be 200.
func postRaw(t *testing.T, cl *client, path string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("POST", cl.e.srv.URL+path, strings.NewReader(url.Values{"_csrf": {cl.csrf}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", cl.e.srv.URL)
	resp, err := cl.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("POST %s: %d %s", path, resp.StatusCode, text(string(b)))
	}
	return resp
}

// parsePlist reads an XML property list's top dictionary with
// encoding/xml: dict → map, array → slice, integer → int, true/false →
// bool, string → string. Anything else is an error.
func parsePlist(b []byte) (map[string]any, error) {
	d := xml.NewDecoder(strings.NewReader(string(b)))
	d.Strict = true
	for {
		tok, err := d.Token()
		if err != nil {
			return nil, err
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "dict" {
			v, err := plistValue(d, se)
			if err != nil {
				return nil, err
			}
			return v.(map[string]any), nil
		}
	}
}

func plistValue(d *xml.Decoder, se xml.StartElement) (any, error) {
	switch se.Name.Local {
	case "dict":
		m := map[string]any{}
		for {
			key, end, err := nextElement(d)
			if err != nil || end {
				return m, err
			}
			var k string
			if key.Name.Local != "key" {
				return nil, fmt.Errorf("dict holds <%s> where a <key> belongs", key.Name.Local)
			}
			if err := d.DecodeElement(&k, &key); err != nil {
				return nil, err
			}
			val, _, err := nextElement(d)
			if err != nil {
				return nil, err
			}
			if m[k], err = plistValue(d, val); err != nil {
				return nil, err
			}
		}
	case "array":
		var out []any
		for {
			el, end, err := nextElement(d)
			if err != nil || end {
				return out, err
			}
			v, err := plistValue(d, el)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
	case "string", "integer":
		var s string
		if err := d.DecodeElement(&s, &se); err != nil {
			return nil, err
		}
		if se.Name.Local == "integer" {
			return strconv.Atoi(s)
		}
		return s, nil
	case "true", "false":
		return se.Name.Local == "true", d.Skip()
	}
	return nil, fmt.Errorf("unexpected <%s>", se.Name.Local)
}

// nextElement is the next start element, or end when the enclosing
// element closes.
func nextElement(d *xml.Decoder) (xml.StartElement, bool, error) {
	for {
		tok, err := d.Token()
		if err != nil {
			return xml.StartElement{}, false, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			return t, false, nil
		case xml.EndElement:
			return xml.StartElement{}, true, nil
		}
	}
}
