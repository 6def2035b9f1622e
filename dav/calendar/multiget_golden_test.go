package calendar

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestMultigetGolden: calendar-multiget answers are byte for byte those
// recorded in testdata/multiget before the answer cache and the href
// scanner (issue 14): a recurring event, text that needs escaping, a
// name that needs percent-encoding, a task, missing hrefs, hrefs of a
// private group (the same 404 as a missing one to an outsider), allprop,
// propname, expand and limit-recurrence-set. Every request is sent twice
// (the second answered from the cache) and carol's after bob's, so that
// what bob's filled is not what she gets. GROUPD_UPDATE_GOLDEN=1
// rewrites the files.
func TestMultigetGolden(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	e := newEnvClock(t, Options{}, "", func() time.Time { return now })
	const ev, tk = "/dav/calendars/team/events/", "/dav/calendars/team/tasks/"
	for p, body := range map[string]string{
		ev + "rec.ics": ics(event("rec", "DTSTART:20250106T090000Z", "DTEND:20250106T100000Z", "SUMMARY:Weekly",
			"RRULE:FREQ=WEEKLY;COUNT=10", "EXDATE:20250120T090000Z"),
			event("rec", "RECURRENCE-ID:20250113T090000Z", "DTSTART:20250113T110000Z", "DTEND:20250113T120000Z", "SUMMARY:Moved")),
		ev + "special.ics": ics(event("special", "DTSTART:20250201T090000Z", "DTEND:20250201T100000Z",
			`SUMMARY:<b>Tom & "Jerry's" ]]> café ☕</b>`,
			`DESCRIPTION:line one\nline two\, with a comma; and a long line that the encoder must fold because it is longer than seventy-five octets`)),
		ev + "a%20b%26c.ics": ics(event("amp", "DTSTART:20250301T090000Z", "SUMMARY:named oddly")),
		ev + "plain.ics":     ics(event("plain", "DTSTART:20250401T090000Z", "DTEND:20250401T100000Z", "SUMMARY:Plain")),
		tk + "t1.ics":        ics(todo("t1", "SUMMARY:Do it", "DUE:20250501T090000Z")),
		"/dav/calendars/hidden/events/secret.ics": ics(event("secret", "DTSTART:20250601T090000Z", "SUMMARY:Secret")),
	} {
		if code, _ := e.put("bob", p, body, nil); code != 201 {
			t.Fatalf("PUT %s: %d", p, code)
		}
	}
	hrefs := []string{ev + "rec.ics", ev + "special.ics", ev + "a%20b%26c.ics", ev + "plain.ics", ev + "missing.ics",
		"/dav/calendars/hidden/events/secret.ics", "/dav/calendars/nosuch/events/x.ics", ev,
		"http://example.test" + ev + "plain.ics", "  " + ev + "plain.ics\n", ev + "rec.ics", tk + "t1.ics",
		ev + "%zz.ics", "plain.ics", "/dav/calendars/hidden/events/missing.ics", tk + "rec.ics"}
	var hx strings.Builder
	for _, h := range hrefs {
		hx.WriteString("<d:href>" + strings.NewReplacer("&", "&amp;", "<", "&lt;").Replace(h) + "</d:href>")
	}
	mg := func(prop string) string {
		return `<?xml version="1.0" encoding="utf-8"?>` + "\n" + `<c:calendar-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">` +
			prop + "\n" + hx.String() + `</c:calendar-multiget>`
	}
	const data = "<d:prop><d:getetag/><c:calendar-data/></d:prop>"
	for _, tc := range []struct{ name, user, body string }{
		{"etag-data", "bob", mg(data)},
		{"etag-data-outsider", "carol", mg(data)},
		{"allprop", "bob", mg("<d:allprop/>")},
		{"propname", "bob", mg("<d:propname/>")},
		{"many-props", "bob", mg(`<d:prop xmlns:x="urn:example:x"><d:getcontenttype/><c:calendar-data/><d:getlastmodified/><d:resourcetype/>` +
			`<d:displayname/><x:foo/><d:getcontentlength/><d:getetag/></d:prop>`)},
		{"etag-only", "bob", mg("<d:prop><d:getetag/></d:prop>")},
		{"data-only", "alice", mg("<d:prop><c:calendar-data/></d:prop>")},
		{"empty-prop", "bob", mg("<d:prop/>")},
		{"expand", "bob", mg(`<d:prop><d:getetag/><c:calendar-data><c:expand start="20250101T000000Z" end="20250201T000000Z"/></c:calendar-data></d:prop>`)},
		{"limit", "bob", mg(`<d:prop><d:getetag/><c:calendar-data><c:limit-recurrence-set start="20250110T000000Z" end="20250201T000000Z"/></c:calendar-data></d:prop>`)},
		{"comp", "bob", mg(`<d:prop><d:getetag/><c:calendar-data><c:comp name="VCALENDAR"><c:comp name="VEVENT"/></c:comp></c:calendar-data></d:prop>`)},
		{"default-ns", "bob", `<?xml version='1.0'?>
<!-- a comment -->
<calendar-multiget xmlns="urn:ietf:params:xml:ns:caldav" xmlns:D="DAV:">
  <D:prop>
    <D:getetag/>
    <calendar-data/>
  </D:prop>
  <D:href><![CDATA[` + ev + `rec.ics]]></D:href>
  <D:href>` + ev + `a%20b&amp;c.ics</D:href>
  <D:href>` + ev + `a%20b%26c.ics</D:href>
  <href xmlns="DAV:">` + ev + `plain.ics</href>
  <D:href>` + ev + `pl<!-- split -->ain.ics</D:href>
  <D:href xml:lang="en">` + ev + `special.ics</D:href>
  <D:href>` + ev + "plain.ics\r\n" + `</D:href>
  <href>` + ev + `plain.ics</href>
</calendar-multiget>
`},
	} {
		for round := 0; round < 2; round++ {
			code, body, h := e.do(tc.user, "REPORT", ev, tc.body, hdr{"Content-Type": "application/xml", "Depth": "1"})
			got := fmt.Sprintf("%d %s\n%s", code, h.Get("Content-Type"), body)
			file := filepath.Join("testdata", "multiget", tc.name+".txt")
			if os.Getenv("GROUPD_UPDATE_GOLDEN") != "" && round == 0 {
				if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("%s (round %d) differs from %s:\n%s", tc.name, round, file, got)
			}
		}
	}
}
