package calendar

import (
	"fmt"
	"strings"
	"testing"
)

// BenchmarkMultiget200 is a calendar-multiget of 200 events over HTTP.
func BenchmarkMultiget200(b *testing.B) {
	e := newEnv(b, Options{})
	ev := "/dav/calendars/team/events/"
	var hrefs strings.Builder
	for i := 0; i < 200; i++ {
		name := fmt.Sprintf("e%03d.ics", i)
		if code, _ := e.put("bob", ev+name, ics(event(name, fmt.Sprintf("DTSTART:20250101T%02d0000Z", i%24), "SUMMARY:Event")), nil); code != 201 {
			b.Fatal(code)
		}
		hrefs.WriteString("<d:href>" + ev + name + "</d:href>")
	}
	body := `<?xml version="1.0"?><c:calendar-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:getetag/><c:calendar-data/></d:prop>` + hrefs.String() + `</c:calendar-multiget>`
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if code, _, _ := e.do("bob", "REPORT", ev, body, hdr{"Content-Type": "application/xml"}); code != 207 {
			b.Fatal(code)
		}
	}
}
