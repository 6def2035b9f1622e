package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"time"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	gosmtp "github.com/emersion/go-smtp"
)

// protocol makes the operation of one worker.
type protocol struct {
	name string
	make func(worker int) (func(context.Context) error, error)
}

// Bounded sets of names: the calendar and the folder are overwritten in
// place, so their size stays put however long the run.
const (
	eventsPerWorker = 20
	filesPerWorker  = 10
	fileBytes       = 64 << 10
)

func protocols(d *daemon) []protocol {
	hc := &http.Client{Timeout: time.Minute}
	return []protocol{
		{"smtp", func(w int) (func(context.Context) error, error) { return smtpPost(d, w), nil }},
		{"caldav", func(w int) (func(context.Context) error, error) { return caldavSync(d, hc, w), nil }},
		{"webdav", func(w int) (func(context.Context) error, error) { return webdavPutGet(d, hc, w), nil }},
		{"imap", func(w int) (func(context.Context) error, error) { return imapFetch(d) }},
		{"api", func(w int) (func(context.Context) error, error) { return apiGet(d, hc), nil }},
	}
}

// smtpPost posts one message of about 3 KB from alice to the team list
// over the inbound port (loopback is a trusted network), a session each.
func smtpPost(d *daemon, w int) func(context.Context) error {
	n := 0
	body := strings.Repeat("The soak goes on; this line pads the message to a few kilobytes.\r\n", 45)
	return func(context.Context) error {
		n++
		msg := fmt.Sprintf("From: alice@example.test\r\nTo: team@lists.example.test\r\nSubject: soak %d-%d\r\n"+
			"Message-ID: <soak.%d.%d.%d@example.test>\r\n\r\n%s", w, n, w, n, time.Now().UnixNano(), body)
		return send(d.Addr("smtp"), "alice@example.test", "team@lists.example.test", msg)
	}
}

// send is one SMTP session: EHLO, MAIL, RCPT, DATA, QUIT (RFC 5321 §3.3).
func send(addr, from, to, msg string) error {
	c, err := gosmtp.Dial(addr)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.Hello("soak.example.test"); err != nil {
		return err
	}
	if err := c.Mail(from, nil); err != nil {
		return err
	}
	if err := c.Rcpt(to, nil); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := io.WriteString(w, msg); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

var syncTokenRE = regexp.MustCompile(`<(?:[a-zA-Z]+:)?sync-token>([^<]*)</`)

// caldavSync PUTs one of the worker's events (RFC 4791 §5.3.2), then
// asks for what changed since its last sync-token (RFC 6578 §3.2).
func caldavSync(d *daemon, c *http.Client, w int) func(context.Context) error {
	n, token := 0, ""
	return func(ctx context.Context) error {
		uid := fmt.Sprintf("soak-%d-%d", w, n%eventsPerWorker)
		n++
		ics := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//soak//EN\r\nBEGIN:VEVENT\r\nUID:" + uid +
			"\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260301T" + fmt.Sprintf("%02d", n%24) + "0000Z\r\nDURATION:PT1H\r\n" +
			"SUMMARY:soak " + fmt.Sprint(n) + "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
		path := "/dav/calendars/team/events/" + uid + ".ics"
		if _, err := do(ctx, c, d, "PUT", path, "text/calendar", ics, 201, 204); err != nil {
			return err
		}
		report := `<?xml version="1.0"?><d:sync-collection xmlns:d="DAV:"><d:sync-token>` + token +
			`</d:sync-token><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>`
		b, err := do(ctx, c, d, "REPORT", "/dav/calendars/team/events/", "application/xml", report, 207)
		if err != nil {
			return err
		}
		m := syncTokenRE.FindSubmatch(b)
		if m == nil {
			return fmt.Errorf("sync-collection: no sync-token in %.200s", b)
		}
		if !bytes.Contains(b, []byte(uid+".ics")) {
			return fmt.Errorf("sync-collection from %q does not name %s just written", token, uid)
		}
		token = string(m[1])
		return nil
	}
}

// webdavPutGet overwrites one of the worker's files with 64 KiB of random
// bytes and reads it back.
func webdavPutGet(d *daemon, c *http.Client, w int) func(context.Context) error {
	n := 0
	return func(ctx context.Context) error {
		path := fmt.Sprintf("/dav/files/team/soak-%d-%d.bin", w, n%filesPerWorker)
		n++
		data := make([]byte, fileBytes)
		rand.Read(data)
		if _, err := do(ctx, c, d, "PUT", path, "application/octet-stream", string(data), 201, 204); err != nil {
			return err
		}
		got, err := do(ctx, c, d, "GET", path, "", "", 200)
		if err != nil {
			return err
		}
		if !bytes.Equal(got, data) {
			return fmt.Errorf("GET %s: %d bytes, not the %d just written", path, len(got), len(data))
		}
		return nil
	}
}

// apiGet reads the group and its members as the admin.
func apiGet(d *daemon, c *http.Client) func(context.Context) error {
	return func(ctx context.Context) error {
		for _, p := range []string{"/api/v1/groups/team", "/api/v1/groups/team/members"} {
			req, err := http.NewRequestWithContext(ctx, "GET", "http://"+d.Addr("http")+p, nil)
			if err != nil {
				return err
			}
			req.Header.Set("Authorization", "Bearer "+d.Token)
			if _, err := roundTrip(c, req, 200); err != nil {
				return err
			}
		}
		return nil
	}
}

// imapFetch keeps one session logged in as bob: each operation selects
// the archive and fetches the envelope and body of its last 10 messages.
func imapFetch(d *daemon) (func(context.Context) error, error) {
	c, err := imapclient.DialInsecure(d.Addr("imap"), nil)
	if err != nil {
		return nil, err
	}
	if err := c.Login("bob@example.test", password).Wait(); err != nil {
		c.Close()
		return nil, err
	}
	return func(ctx context.Context) error {
		if ctx.Err() != nil {
			c.Close()
			return ctx.Err()
		}
		sel, err := c.Select("Groups/Team", nil).Wait()
		if err != nil {
			return fmt.Errorf("SELECT: %w", err)
		}
		if sel.NumMessages == 0 {
			return nil
		}
		from := max(1, int(sel.NumMessages)-9)
		set := goimap.SeqSet{{Start: uint32(from), Stop: sel.NumMessages}}
		msgs, err := c.Fetch(set, &goimap.FetchOptions{Envelope: true,
			BodySection: []*goimap.FetchItemBodySection{{Peek: true}}}).Collect()
		if err != nil {
			return fmt.Errorf("FETCH: %w", err)
		}
		if want := int(sel.NumMessages) - from + 1; len(msgs) != want {
			return fmt.Errorf("FETCH %d:%d: %d messages", from, sel.NumMessages, len(msgs))
		}
		for _, m := range msgs {
			if m.Envelope == nil || len(m.FindBodySection(&goimap.FetchItemBodySection{Peek: true})) == 0 {
				return fmt.Errorf("FETCH: message %d without envelope or body", m.SeqNum)
			}
		}
		return nil
	}, nil
}

// do sends a request as alice and checks the status.
func do(ctx context.Context, c *http.Client, d *daemon, method, path, ctype, body string, want ...int) ([]byte, error) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, "http://"+d.Addr("http")+path, rd)
	if err != nil {
		return nil, err
	}
	req.SetBasicAuth("alice@example.test", password)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if method == "REPORT" {
		req.Header.Set("Depth", "1")
	}
	return roundTrip(c, req, want...)
}

func roundTrip(c *http.Client, req *http.Request, want ...int) ([]byte, error) {
	res, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, err
	}
	for _, w := range want {
		if res.StatusCode == w {
			return b, nil
		}
	}
	return b, fmt.Errorf("%s %s: %d %.200s", req.Method, req.URL.Path, res.StatusCode, b)
}
