package calendar

import (
	"regexp"
	"strings"
	"testing"

	"groupd/internal/testkit"
)

// TestGetetagPlainQuotes: DAV:getetag carries the entity-tag with plain
// '"' (XML 1.0 §2.4 allows it in text), not &quot;, so that a client that
// takes the text literally sends back an If-Match that matches (RFC 4918
// §15.6, RFC 4791 §5.3.4), in PROPFIND, allprop and REPORT answers.
func TestGetetagPlainQuotes(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	p := "/dav/calendars/team/events/a.ics"
	if code, _ := e.put("bob", p, ics(event("a", "DTSTART:20250601T100000Z", "SUMMARY:a")), nil); code != 201 {
		t.Fatalf("PUT: %d", code)
	}
	re := regexp.MustCompile(`<d:getetag>([^<]*)</d:getetag>`)
	named := `<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop><d:getetag/></d:prop></d:propfind>`
	all := `<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:allprop/></d:propfind>`
	multiget := `<?xml version="1.0"?><c:calendar-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:getetag/></d:prop><d:href>` + p + `</d:href></c:calendar-multiget>`
	var etag string
	for _, q := range []struct{ method, body string }{{"PROPFIND", named}, {"PROPFIND", all}, {"REPORT", multiget}} {
		code, b, _ := e.do("bob", q.method, p, q.body, hdr{"Depth": "0", "Content-Type": "application/xml"})
		if q.method == "REPORT" {
			code, b, _ = e.do("bob", q.method, "/dav/calendars/team/events/", q.body, hdr{"Depth": "1", "Content-Type": "application/xml"})
		}
		if code != 207 || strings.Contains(b, "&quot;") || strings.Contains(b, "&#34;") {
			t.Fatalf("%s: %d %s", q.method, code, b)
		}
		if err := testkit.WellFormedXML([]byte(b)); err != nil {
			t.Fatalf("not well-formed: %v\n%s", err, b)
		}
		m := re.FindStringSubmatch(b)
		if m == nil || !strings.HasPrefix(m[1], `"`) || !strings.HasSuffix(m[1], `"`) {
			t.Fatalf("%s: no plain quoted getetag: %s", q.method, b)
		}
		etag = m[1]
	}
	body := ics(event("a", "DTSTART:20250601T100000Z", "SUMMARY:b"))
	if code, _ := e.put("bob", p, body, hdr{"If-Match": etag}); code != 204 {
		t.Fatalf("PUT with If-Match %s: %d", etag, code)
	}
	if code, _ := e.put("bob", p, body, hdr{"If-Match": etag}); code != 412 {
		t.Fatalf("PUT with a stale If-Match: %d", code)
	}
}
