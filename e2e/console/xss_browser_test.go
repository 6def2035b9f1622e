package console

import (
	"context"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	gosmtp "github.com/emersion/go-smtp"
)

// xssTrace is the path every planted script requests first: a request
// for it in Chromium's network log means a script ran.
const xssTrace = "/e2e-xss-trace"

// xssScript is what each planted file runs if it can: the trace request,
// a mark in the origin's localStorage, and a group created over the API
// as the member who opened it (a same-origin request passes the CSRF
// check, issue 16 item 3).
// The URLs are absolute: a page opened as http://user:pass@host/… can
// fetch no URL relative to its own (Fetch §5.4, credentials in the URL).
const xssScript = `fetch(location.origin + "` + xssTrace + `");
localStorage.setItem("pwned", "1");
fetch(location.origin + "/api/v1/groups", {method: "POST", headers: {"Content-Type": "application/json"},
  body: JSON.stringify({id: "pwned", name: "pwned"})});`

// xssFiles are uploaded to the group folder over WebDAV.
var xssFiles = map[string]string{
	"evil.html": "<!doctype html><title>evil</title><script>" + xssScript + "</script>",
	"evil.svg":  `<svg xmlns="http://www.w3.org/2000/svg"><script>` + xssScript + `</script></svg>`,
}

// TestUserFilesRunNoScript (issue 16 item 3): an HTML and an SVG file a
// member uploaded, and an HTML attachment of a post, opened in Chromium
// from the console, from WebDAV and from the Messages tab, are downloads
// in a sandbox: Chromium sees Content-Security-Policy: sandbox, nosniff
// and Content-Disposition: attachment, and no script runs (no trace
// request, the origin's localStorage as it was, no group made).
func TestUserFilesRunNoScript(t *testing.T) {
	t.Parallel()
	d := startConsole(t, "smtp")
	b := newBrowser(t)
	d.addUsers(t, userAlice, userBob)
	d.asJSON(t, userAlice, "POST", "/api/v1/groups", map[string]any{"id": "xss", "name": "XSS",
		"members": []string{userBob.Email}, "features": map[string]bool{"folder": true, "message": true}}, nil, 201)
	for name, body := range xssFiles {
		if code, b := d.as(t, userBob, "PUT", "/dav/files/xss/"+name, strings.NewReader(body), ""); code != 201 {
			t.Fatalf("WebDAV PUT %s answered %d: %s", name, code, b)
		}
	}
	postEvilAttachment(t, d, "evil attachment")

	p := b.newTab(t, d.base)
	seen := watchResponses(t, p)
	p.signIn(t, userBob.Email)
	p.run(t, "mark the origin's storage", evalStep(`localStorage.setItem("e2e", "kept")`))
	paths := []string{"/g/xss/folder/evil.html", "/g/xss/folder/evil.svg", attachmentLink(t, p)}
	for _, path := range paths {
		p.visit(t, d.base+path)
	}
	dav := url.URL{Scheme: "http", User: url.UserPassword(userBob.Email, consolePassword), Host: d.host}
	for name := range xssFiles {
		dav.Path = "/dav/files/xss/" + name
		p.visit(t, dav.String())
		paths = append(paths, dav.Path)
	}
	for _, path := range paths {
		seen.check(t, path)
	}
	ranNoScript(t, d, b, p)
}

// postEvilAttachment posts, as Bob over SMTP, a message with an HTML
// attachment that runs xssScript, and waits until the group has it.
func postEvilAttachment(t *testing.T, d *consoleDaemon, subject string) {
	t.Helper()
	list := d.group(t, "xss").List.Address
	msg := "From: Bob Lee <" + userBob.Email + ">\r\nTo: " + list + "\r\nSubject: " + subject + "\r\n" +
		"Message-ID: <xss@example.test>\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=b\r\n\r\n" +
		"--b\r\nContent-Type: text/plain\r\n\r\nSee the file.\r\n" +
		"--b\r\nContent-Type: text/html\r\nContent-Disposition: attachment; filename=\"evil.html\"\r\n\r\n" +
		xssFiles["evil.html"] + "\r\n--b--\r\n"
	c, err := gosmtp.Dial(d.proc.Addr("smtp"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.SendMail(userBob.Email, []string{list}, strings.NewReader(msg)); err != nil {
		t.Fatalf("post over SMTP: %v", err)
	}
	d.waitPost(t, subject, userAlice.Email)
}

// attachmentLink is the path of the first attachment link on the group's
// Messages tab.
func attachmentLink(t *testing.T, p *browserTab) string {
	t.Helper()
	p.open(t, "/g/xss/messages")
	p.waitFor(t, "the attachment link", `document.querySelector("ul.parts a") !== null`)
	return evalIn[string](t, p, `document.querySelector("ul.parts a").getAttribute("href")`)
}

// visit opens u as a person typing it in would (the link's download
// attribute aside), then gives a script time to run. A download ends the
// navigation with net::ERR_ABORTED, which is what should happen.
func (p *browserTab) visit(t *testing.T, u string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, browserStepTimeout)
	defer cancel()
	chromedp.RunResponse(ctx, chromedp.Navigate(u))
	time.Sleep(500 * time.Millisecond)
}

// responses are the last answers Chromium received, by URL path
// (network.EventResponseReceived).
type responses struct {
	mu  sync.Mutex
	got map[string]*network.Response
}

func watchResponses(t *testing.T, p *browserTab) *responses {
	t.Helper()
	r := &responses{got: map[string]*network.Response{}}
	err := chromedp.Listen(p.ctx, func(ev any) {
		e, ok := ev.(*network.EventResponseReceived)
		if !ok || e.Response == nil {
			return
		}
		if u, err := url.Parse(e.Response.URL); err == nil {
			r.mu.Lock()
			r.got[u.Path] = e.Response
			r.mu.Unlock()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// check fails unless Chromium got path with 200 and the headers that keep
// a file from running: a sandbox CSP, nosniff, and a download.
func (r *responses) check(t *testing.T, path string) {
	t.Helper()
	r.mu.Lock()
	res := r.got[path]
	r.mu.Unlock()
	if res == nil {
		t.Fatalf("Chromium received no answer for %s", path)
	}
	header := func(name string) string {
		for k, v := range res.Headers {
			if s, ok := v.(string); ok && strings.EqualFold(k, name) {
				return s
			}
		}
		return ""
	}
	csp, sniff, disp := header("Content-Security-Policy"), header("X-Content-Type-Options"), header("Content-Disposition")
	if res.Status != 200 || !strings.HasPrefix(csp, "sandbox") || sniff != "nosniff" || !strings.HasPrefix(disp, "attachment") {
		t.Errorf("%s: Chromium got %d with Content-Security-Policy %q, X-Content-Type-Options %q, Content-Disposition %q",
			path, res.Status, csp, sniff, disp)
	}
}

// ranNoScript fails if any planted script left a trace.
func ranNoScript(t *testing.T, d *consoleDaemon, b *consoleBrowser, p *browserTab) {
	t.Helper()
	_, seen := b.foreignRequests(d.host)
	for _, u := range seen {
		if strings.Contains(u, xssTrace) {
			t.Errorf("a planted script ran: Chromium requested %s", u)
		}
	}
	p.open(t, "/groups")
	if got := evalIn[string](t, p, `JSON.stringify({...localStorage})`); got != `{"e2e":"kept"}` {
		t.Errorf("the origin's localStorage is %s, want only the test's own mark", got)
	}
	if _, err := d.proc.API("GET", "/api/v1/groups/pwned", nil, 404); err != nil {
		t.Errorf("a planted script made a group: %v", err)
	}
}
