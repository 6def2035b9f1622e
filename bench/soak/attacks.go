package main

import (
	"bufio"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// recurrenceAttack is finding 1: the object is refused or stored, and
// the queries answer within their budget either way.
func recurrenceAttack(ctx context.Context, d *daemon, hc *http.Client, log *attackLog) {
	var b strings.Builder
	b.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//soak abuse//EN\r\n")
	for i := range 200 {
		fmt.Fprintf(&b, "BEGIN:VEVENT\r\nUID:storm\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260601T000000Z\r\n"+
			"RRULE:FREQ=SECONDLY;COUNT=10000000\r\nSUMMARY:storm %d\r\nEND:VEVENT\r\n", i)
	}
	b.WriteString("END:VCALENDAR\r\n")
	base := "/dav/calendars/mallory/events/"
	log.add("recurrence", "PUT "+status(ctx, hc, d, "PUT", base+"storm.ics", "text/calendar", b.String()))
	query := `<?xml version="1.0"?><c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">` +
		`<d:prop><d:getetag/><c:calendar-data/></d:prop><c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT">` +
		`<c:time-range start="20260601T000000Z" end="20270601T000000Z"/></c:comp-filter></c:comp-filter></c:filter></c:calendar-query>`
	log.add("recurrence", "query "+status(ctx, hc, d, "REPORT", base, "application/xml", query))
	fb := `<?xml version="1.0"?><c:free-busy-query xmlns:c="urn:ietf:params:xml:ns:caldav">` +
		`<c:time-range start="20260601T000000Z" end="20260602T000000Z"/></c:free-busy-query>`
	log.add("recurrence", "free-busy "+status(ctx, hc, d, "REPORT", base, "application/xml", fb))
}

// status sends one request as mallory and names its answer.
func status(ctx context.Context, hc *http.Client, d *daemon, method, path, ctype, body string) string {
	req, err := http.NewRequestWithContext(ctx, method, "http://"+d.Addr("http")+path, strings.NewReader(body))
	if err != nil {
		return "error"
	}
	req.SetBasicAuth(mallory, password)
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Depth", "1")
	start := time.Now()
	res, err := hc.Do(req)
	if err != nil {
		return "transport error"
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return fmt.Sprintf("%d (%s)", res.StatusCode, bucket(time.Since(start)))
}

// bucket names a duration coarsely, so that outcomes stay few.
func bucket(d time.Duration) string {
	for _, b := range []time.Duration{100 * time.Millisecond, time.Second, 5 * time.Second} {
		if d < b {
			return "<" + b.String()
		}
	}
	return "≥5s"
}

// slowBody is finding 5 (as mallet, so that the cap of bodies per
// account does not also stop mallory's other attacks): a POST that declares 100,000 bytes and sends
// one every 3 s, until the daemon gives up on it.
func slowBody(ctx context.Context, d *daemon, dial *net.Dialer, log *attackLog) {
	c, err := dial.DialContext(ctx, "tcp", d.Addr("http"))
	if err != nil {
		log.add("slow-body", "dial error")
		return
	}
	defer c.Close()
	auth := base64.StdEncoding.EncodeToString([]byte(mallet + ":" + password))
	fmt.Fprintf(c, "POST /api/v1/groups HTTP/1.1\r\nHost: soak\r\nAuthorization: Basic %s\r\n"+
		"Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n", auth)
	answer := make(chan string, 1)
	go func() { answer <- firstLine(c) }()
	t := time.NewTicker(3 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case a := <-answer:
			log.add("slow-body", a)
			return
		case <-t.C:
			if _, err := c.Write([]byte(" ")); err != nil {
				log.add("slow-body", "closed by the daemon")
				return
			}
		}
	}
}

// firstLine reads the status line of an HTTP answer (or names the end).
func firstLine(c net.Conn) string {
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return "closed by the daemon"
	}
	return strings.TrimSpace(line)
}

// overLimitPost is finding 6, refused posts: 26 MiB with a forged
// member envelope, over the 25 MiB limit, without SIZE.
func overLimitPost(ctx context.Context, d *daemon, dial *net.Dialer, log *attackLog) {
	c, err := dial.DialContext(ctx, "tcp", d.Addr("smtp"))
	if err != nil {
		log.add("over-limit", "dial error")
		return
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(2 * time.Minute))
	r := bufio.NewReader(c)
	say := func(cmd string) string {
		if cmd != "" {
			io.WriteString(c, cmd+"\r\n")
		}
		var last string
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return "closed"
			}
			if last = line; len(line) < 4 || line[3] != '-' {
				return strings.TrimSpace(last)[:min(3, len(strings.TrimSpace(last)))]
			}
		}
	}
	say("")
	say("EHLO abuse.example")
	if a := say("MAIL FROM:<alice@example.test>"); a != "250" {
		log.add("over-limit", "MAIL "+a)
		return
	}
	if a := say("RCPT TO:<team@lists.example.test>"); a != "250" {
		log.add("over-limit", "RCPT "+a)
		return
	}
	if a := say("DATA"); a != "354" {
		log.add("over-limit", "DATA "+a)
		return
	}
	line := strings.Repeat("y", 998) + "\r\n"
	chunk := []byte("From: alice@example.test\r\nTo: team@lists.example.test\r\nSubject: huge\r\n\r\n" + strings.Repeat(line, 1024))
	for sent := 0; sent < overLimitBytes; sent += len(chunk) {
		if ctx.Err() != nil {
			return // never end a cut-off message: it would be a smaller post
		}
		if _, err := c.Write(chunk); err != nil {
			log.add("over-limit", "closed while sending")
			return
		}
		chunk = []byte(strings.Repeat(line, 1024))
	}
	log.add("over-limit", "end of data "+say("."))
}

// imapNoRead is finding 6, IMAP: FETCH of every 20 MiB body eight times
// over, then no reading for 20 s.
func imapNoRead(ctx context.Context, d *daemon, dial *net.Dialer, log *attackLog) {
	c, err := dial.DialContext(ctx, "tcp", d.Addr("imap"))
	if err != nil {
		log.add("imap-fetch", "dial error")
		return
	}
	defer c.Close()
	r := bufio.NewReader(c)
	r.ReadString('\n')
	fmt.Fprintf(c, "a LOGIN %s %s\r\n", mallory, password)
	if !tagged(r, "a ") {
		log.add("imap-fetch", "LOGIN refused")
		return
	}
	io.WriteString(c, "b EXAMINE Groups/Big\r\n")
	if !tagged(r, "b ") {
		log.add("imap-fetch", "EXAMINE refused")
		return
	}
	io.WriteString(c, "c FETCH 1:* ("+strings.TrimSpace(strings.Repeat("BODY.PEEK[] ", 8))+")\r\n")
	log.add("imap-fetch", "asked, not reading")
	select {
	case <-ctx.Done():
	case <-time.After(20 * time.Second):
	}
}

// tagged reads to the answer tagged tag and says whether it is OK.
func tagged(r *bufio.Reader, tag string) bool {
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return false
		}
		if strings.HasPrefix(line, tag) {
			return strings.HasPrefix(line[len(tag):], "OK")
		}
	}
}
