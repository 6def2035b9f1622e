package console

import (
	"encoding/json"
	"encoding/xml"
	"html"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"groupd/internal/groupdproc"
	"groupd/internal/testdb"
)

// TestAutoconfigClientsConnect: with nothing but what the daemon tells
// them, real clients connect. Thunderbird's autoconfig document names
// the IMAP and submission host, port and TLS; the "Connect your apps"
// tab names the group's CalDAV URL and makes an app password; then
// python3-caldav (Debian's) saves and reads an event at exactly that URL,
// and imaplib and smtplib sign in at exactly the autoconfig's host and
// ports, all with the app password.
func TestAutoconfigClientsConnect(t *testing.T) {
	py := needPythonCaldav(t)
	bin, err := groupdproc.Build(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	// The console shows the configured mail ports: fix them.
	ports := map[string]int{"imap": freePort(t), "submission": freePort(t)}
	p, err := groupdproc.Start(groupdproc.Options{Bin: bin, Root: t.TempDir(), Relay: "127.0.0.1:9",
		Listen: []string{"http", "imap", "submission"}, Ports: ports, DSN: testdb.New(t).DSN})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := p.Stop(); err != nil {
			t.Error(err)
		}
	})
	base := "http://" + p.Addr("http")
	for _, u := range []string{"alice@example.test", "bob@example.test"} {
		if _, err := p.API("POST", "/api/v1/users", map[string]string{"email": u, "name": u, "password": consolePassword}, 201); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := p.API("POST", "/api/v1/groups", map[string]any{"id": "team", "name": "Team",
		"masters": []string{"alice@example.test"}, "members": []string{"bob@example.test"}}, 201); err != nil {
		t.Fatal(err)
	}

	imap, smtp := fetchAutoconfig(t, base, "bob@example.test")
	if imap.Port != ports["imap"] || smtp.Port != ports["submission"] {
		t.Fatalf("autoconfig names IMAP %+v and SMTP %+v; the daemon listens on %v", imap, smtp, ports)
	}
	web := signInConsole(t, base, "bob@example.test")
	_, page := web.get(t, "/g/team/connect")
	events := regexp.MustCompile(`https?://[^<"\s]+/dav/calendars/team/events/`).FindString(page)
	if events == "" {
		t.Fatalf("the connect page names no events calendar:\n%s", page)
	}
	secret := web.appPassword(t, "/g/team/connect/app-password", "e2e clients")

	args := []string{"-c", clientsScript, events, imap.Hostname, strconv.Itoa(imap.Port), imap.Socket,
		smtp.Hostname, strconv.Itoa(smtp.Port), smtp.Socket, "bob@example.test", secret}
	out, err := exec.Command(py, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("python clients: %v\n%s\n%s", err, out, p.Tail())
	}
	var got struct {
		Calendars []string
		Events    []string
		IMAPLogin string `json:"imap_login"`
		Boxes     []string
		SMTPLogin int `json:"smtp_login"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if !containsStr(got.Calendars, events) {
		t.Errorf("python-caldav's principal lists %v, not %s", got.Calendars, events)
	}
	if len(got.Events) != 1 || !strings.Contains(got.Events[0], "SUMMARY:Set up by autoconfig") {
		t.Errorf("events read back: %q", got.Events)
	}
	if got.IMAPLogin != "OK" || !strings.Contains(strings.Join(got.Boxes, "\n"), "Groups/Team") {
		t.Errorf("imaplib: login %s, mailboxes %v", got.IMAPLogin, got.Boxes)
	}
	if got.SMTPLogin != 235 {
		t.Errorf("smtplib login answered %d", got.SMTPLogin)
	}
}

// clientsScript runs python3-caldav, imaplib and smtplib with the values
// given, the TLS of each as autoconfig spells it (SSL, STARTTLS, plain).
const clientsScript = `
import caldav, imaplib, json, smtplib, sys
cal_url, ihost, iport, isock, shost, sport, ssock, user, pw = sys.argv[1:]
out = {}
client = caldav.DAVClient(url=cal_url, username=user, password=pw)
out["calendars"] = [str(c.url) for c in client.principal().calendars()]
cal = client.calendar(url=cal_url)
cal.save_event("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//groupd e2e//EN\r\nBEGIN:VEVENT\r\n"
    "UID:autoconfig-e2e\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260301T100000Z\r\n"
    "DTEND:20260301T110000Z\r\nSUMMARY:Set up by autoconfig\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
out["events"] = [e.data for e in cal.events()]
m = imaplib.IMAP4_SSL(ihost, int(iport)) if isock == "SSL" else imaplib.IMAP4(ihost, int(iport))
if isock == "STARTTLS":
    m.starttls()
out["imap_login"] = m.login(user, pw)[0]
out["boxes"] = [b.decode() for b in m.list()[1]]
m.logout()
s = smtplib.SMTP_SSL(shost, int(sport)) if ssock == "SSL" else smtplib.SMTP(shost, int(sport))
if ssock == "STARTTLS":
    s.starttls()
out["smtp_login"] = s.login(user, pw)[0]
s.quit()
print(json.dumps(out))
`

// configServer is a server of the autoconfig document.
type configServer struct {
	Type     string `xml:"type,attr"`
	Hostname string `xml:"hostname"`
	Port     int    `xml:"port"`
	Socket   string `xml:"socketType"`
	Username string `xml:"username"`
}

// fetchAutoconfig reads Thunderbird's document, without a session, as
// Thunderbird asks for it, and returns its IMAP and SMTP servers.
func fetchAutoconfig(t *testing.T, base, email string) (imap, smtp configServer) {
	t.Helper()
	resp, err := http.Get(base + "/mail/config-v1.1.xml?emailaddress=" + url.QueryEscape(email))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var doc struct {
		In  []configServer `xml:"emailProvider>incomingServer"`
		Out []configServer `xml:"emailProvider>outgoingServer"`
	}
	if err := xml.Unmarshal(b, &doc); err != nil || resp.StatusCode != 200 || len(doc.In) != 1 || len(doc.Out) != 1 {
		t.Fatalf("autoconfig: %d %v\n%s", resp.StatusCode, err, b)
	}
	imap, smtp = doc.In[0], doc.Out[0]
	if imap.Type != "imap" || smtp.Type != "smtp" || imap.Username != "%EMAILADDRESS%" {
		t.Fatalf("autoconfig servers %+v %+v", imap, smtp)
	}
	return imap, smtp
}

// consoleClient is a browser without JavaScript: cookies, no redirects
// followed, and the CSRF token of the last page.
type consoleClient struct {
	base string
	http *http.Client
	csrf string
}

var csrfFieldRE = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// signInConsole signs in through the form with the account password.
func signInConsole(t *testing.T, base, email string) *consoleClient {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &consoleClient{base: base, http: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	c.get(t, "/signin")
	if st, _ := c.post(t, "/signin", url.Values{"email": {email}, "password": {consolePassword}, "next": {"/groups"}}); st != http.StatusSeeOther {
		t.Fatalf("sign in as %s: %d", email, st)
	}
	return c
}

func (c *consoleClient) get(t *testing.T, path string) (int, string) {
	t.Helper()
	resp, err := c.http.Get(c.base + path)
	if err != nil {
		t.Fatal(err)
	}
	return c.read(t, resp)
}

func (c *consoleClient) post(t *testing.T, path string, form url.Values) (int, string) {
	t.Helper()
	form.Set("_csrf", c.csrf)
	req, _ := http.NewRequest("POST", c.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", c.base)
	resp, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return c.read(t, resp)
}

func (c *consoleClient) read(t *testing.T, resp *http.Response) (int, string) {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if m := csrfFieldRE.FindSubmatch(b); m != nil {
		c.csrf = string(m[1])
	}
	return resp.StatusCode, html.UnescapeString(string(b))
}

// appPassword presses a "create app password" button and reads the
// secret the answer shows once.
func (c *consoleClient) appPassword(t *testing.T, path, name string) string {
	t.Helper()
	st, page := c.post(t, path, url.Values{"name": {name}})
	m := regexp.MustCompile(`class="secret-value"><code>([a-z2-7]+)</code>`).FindStringSubmatch(page)
	if st != 200 || m == nil {
		t.Fatalf("POST %s: %d, no secret shown\n%s", path, st, page)
	}
	return m[1]
}

// freePort is a loopback TCP port free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// needPythonCaldav is Debian's Python with python3-caldav; a missing one
// skips the test, or fails it when CI is set.
func needPythonCaldav(t *testing.T) string {
	t.Helper()
	const py = "/usr/bin/python3"
	if exec.Command(py, "-c", "import caldav").Run() == nil {
		return py
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s with python3-caldav is required in CI", py)
	}
	t.Skipf("%s with python3-caldav is not available", py)
	return ""
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
