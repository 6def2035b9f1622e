package caldav

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-ical"
	"github.com/emersion/go-webdav"
	gocaldav "github.com/emersion/go-webdav/caldav"

	"groupd/e2e/internal/e2etest"
	"groupd/internal/testkit"
)

const (
	pw     = e2etest.Password
	events = "/dav/calendars/team/events/"
	tasks  = "/dav/calendars/team/tasks/"
)

// env is a running daemon seeded with alice (master) and bob (member) of
// "team" (display name "Team"); carol is in no group.
type env struct {
	t testing.TB
	d *e2etest.Daemon
}

func start(t testing.TB) *env {
	t.Helper()
	e := &env{t: t, d: e2etest.Start(t, nil)}
	e.d.Team(t)
	return e
}

// client is go-webdav's CalDAV client logged in as user (a name before
// @example.test), created on the bare server URL as a user would type it.
func (e *env) client(user string) *gocaldav.Client {
	e.t.Helper()
	hc := webdav.HTTPClientWithBasicAuth(http.DefaultClient, user+"@example.test", pw)
	c, err := gocaldav.NewClient(hc, e.d.URL("/"))
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

type hdr map[string]string

// raw sends requests as they are and shows redirects instead of following.
var raw = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// do sends a request as user ("" for no credentials); the path is sent
// exactly as given (no cleaning or re-escaping by net/url), and a
// redirect is answered, not followed.
func (e *env) do(user, method, path, body string, h hdr) (int, string, http.Header) {
	e.t.Helper()
	req := testkit.NewRequest(e.t, method, e.d.URL("/"), testkit.Email(user), pw, strings.NewReader(body), h)
	req.URL.Opaque = path
	return testkit.Send(e.t, raw, req)
}

// put stores body at path as user and returns the status, the ETag and
// the answer's body.
func (e *env) put(user, path, body string, h hdr) (int, string, string) {
	e.t.Helper()
	if h == nil {
		h = hdr{}
	}
	h["Content-Type"] = "text/calendar; charset=utf-8"
	code, b, hd := e.do(user, "PUT", path, body, h)
	return code, hd.Get("ETag"), b
}

// ics builds a VCALENDAR around components.
func ics(comps ...string) string {
	return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//e2e//EN\r\n" + strings.Join(comps, "") + "END:VCALENDAR\r\n"
}

// event and todo build a component from property lines.
func event(uid string, lines ...string) string { return comp("VEVENT", uid, lines) }
func todo(uid string, lines ...string) string  { return comp("VTODO", uid, lines) }

func comp(name, uid string, lines []string) string {
	return "BEGIN:" + name + "\r\nUID:" + uid + "\r\nDTSTAMP:20260101T000000Z\r\n" +
		strings.Join(lines, "\r\n") + "\r\nEND:" + name + "\r\n"
}

func parse(t testing.TB, s string) *ical.Calendar {
	t.Helper()
	cal, err := ical.NewDecoder(strings.NewReader(s)).Decode()
	if err != nil {
		t.Fatal(err)
	}
	return cal
}

func at(s string) time.Time {
	t, err := time.Parse("2006-01-02T15:04", s)
	if err != nil {
		panic(err)
	}
	return t
}

// query runs a calendar-query with a time-range on comp through go-webdav's
// client and returns the names of the objects found, sorted.
func query(t testing.TB, c *gocaldav.Client, coll, comp string, start, end time.Time) []string {
	t.Helper()
	objs, err := c.QueryCalendar(context.Background(), coll, &gocaldav.CalendarQuery{
		CompRequest: gocaldav.CalendarCompRequest{Name: "VCALENDAR", AllProps: true, AllComps: true},
		CompFilter: gocaldav.CompFilter{Name: "VCALENDAR", Comps: []gocaldav.CompFilter{{
			Name: comp, Start: start, End: end}}}})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, o := range objs {
		names = append(names, o.Path[strings.LastIndexByte(o.Path, '/')+1:])
	}
	sort.Strings(names)
	return names
}

var (
	tokenRe = regexp.MustCompile(`<d:sync-token>([^<]*)</d:sync-token>`)
	respRe  = regexp.MustCompile(`<d:response><d:href>([^<]*)</d:href>(<d:status>[^<]*</d:status>)?`)
)

// hrefs lists the hrefs of a multistatus body, "href 404" for a
// response that reports a missing resource, sorted.
func hrefs(body string) []string {
	var out []string
	for _, r := range respRe.FindAllStringSubmatch(body, -1) {
		h := r[1]
		if strings.Contains(r[2], "404") {
			h += " 404"
		}
		out = append(out, h)
	}
	sort.Strings(out)
	return out
}

// sync runs sync-collection (RFC 6578 §3.2) from token ("" for the
// initial sync) and returns the status, the new token (or the body of a
// refusal) and the changes as "name" or "name 404".
func (e *env) sync(user, coll, token string) (int, string, []string) {
	e.t.Helper()
	code, body, _ := e.do(user, "REPORT", coll, `<?xml version="1.0"?><d:sync-collection xmlns:d="DAV:">
<d:sync-token>`+token+`</d:sync-token><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>`,
		hdr{"Content-Type": "application/xml"})
	if code != 207 {
		return code, body, nil
	}
	m := tokenRe.FindStringSubmatch(body)
	if m == nil {
		e.t.Fatalf("no sync-token in %s", body)
	}
	var changes []string
	for _, h := range hrefs(body) {
		changes = append(changes, strings.TrimPrefix(h, coll))
	}
	return code, m[1], changes
}

// count is how many objects coll holds for user (PROPFIND depth 1).
func (e *env) count(user, coll string) int {
	e.t.Helper()
	code, body, _ := e.do(user, "PROPFIND", coll, "", hdr{"Depth": "1"})
	if code != 207 {
		e.t.Fatalf("PROPFIND %s: %d %s", coll, code, body)
	}
	return strings.Count(body, "<d:response>") - 1
}

func eq(got []string, want ...string) bool { return strings.Join(got, " ") == strings.Join(want, " ") }

// need returns the path of a third-party client, skipping the test when
// it is missing unless CI is set (then the test fails).
func need(t *testing.T, path string, check ...string) string {
	t.Helper()
	if _, err := os.Stat(path); err == nil {
		if len(check) == 0 || exec.Command(path, check...).Run() == nil {
			return path
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s %v is required in CI", path, check)
	}
	t.Skipf("%s %v not available", path, check)
	return ""
}
