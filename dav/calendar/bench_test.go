package calendar

import (
	"fmt"
	"strings"
	"testing"
)

// Benchmarks over HTTP on a real store, the operations of bench/caldav.sh;
// for profiles: go test ./dav/calendar -run XXX -bench . -cpuprofile cpu.out

const benchColl = "/dav/calendars/team/events/"

// benchEvent is event i of a calendar of which 10% recur weekly.
func benchEvent(i int, summary string) string {
	lines := []string{fmt.Sprintf("DTSTART:2025%02d%02dT%02d0000Z", 1+i%12, 1+i%28, 8+i%10),
		fmt.Sprintf("DTEND:2025%02d%02dT%02d3000Z", 1+i%12, 1+i%28, 8+i%10), "SUMMARY:" + summary}
	if i%10 == 0 {
		lines = append(lines, "RRULE:FREQ=WEEKLY")
	}
	return ics(event(fmt.Sprintf("ev-%05d", i), lines...))
}

// benchEnv is a store holding n events in team's events.
func benchEnv(b *testing.B, n int) *env {
	e := newEnv(b, Options{})
	for i := 0; i < n; i++ {
		if code, _ := e.put("bob", fmt.Sprintf("%sev-%05d.ics", benchColl, i), benchEvent(i, "Event"), nil); code != 201 {
			b.Fatal(code)
		}
	}
	return e
}

func BenchmarkPut(b *testing.B) {
	e := benchEnv(b, 0)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if code, _ := e.put("bob", fmt.Sprintf("%sev-%05d.ics", benchColl, i), benchEvent(i, "Event"), nil); code != 201 {
			b.Fatal(code)
		}
	}
}

// BenchmarkMultiget200 is a calendar-multiget of 200 events.
func BenchmarkMultiget200(b *testing.B) {
	benchRequest(b, benchEnv(b, 200), "REPORT", multiget200Body(200), 207)
}

// BenchmarkMultiget200Of1000 is a calendar-multiget of 200 events spread
// over a calendar of 1,000, the case bench/caldav.sh measures.
func BenchmarkMultiget200Of1000(b *testing.B) {
	benchRequest(b, benchEnv(b, 1000), "REPORT", multiget200Body(1000), 207)
}

// multiget200Body asks for the etag and data of 200 of n events, every
// n/200th.
func multiget200Body(n int) string {
	var hrefs strings.Builder
	for i := 0; i < 200; i++ {
		hrefs.WriteString(fmt.Sprintf("<d:href>%sev-%05d.ics</d:href>", benchColl, i*n/200))
	}
	return `<?xml version="1.0"?><c:calendar-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:getetag/><c:calendar-data/></d:prop>` +
		hrefs.String() + `</c:calendar-multiget>`
}

func BenchmarkQueryMonth2000(b *testing.B) {
	e := benchEnv(b, 2000)
	benchRequest(b, e, "REPORT", `<?xml version="1.0"?><c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:getetag/><c:calendar-data/></d:prop>
<c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"><c:time-range start="20250601T000000Z" end="20250701T000000Z"/>
</c:comp-filter></c:comp-filter></c:filter></c:calendar-query>`, 207)
}

func BenchmarkPropfind2000(b *testing.B) {
	e := benchEnv(b, 2000)
	benchRequest(b, e, "PROPFIND", `<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop><d:getetag/><d:getcontenttype/></d:prop></d:propfind>`, 207)
}

func benchRequest(b *testing.B, e *env, method, body string, want int) {
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if code, _, _ := e.do("bob", method, benchColl, body, hdr{"Content-Type": "application/xml", "Depth": "1"}); code != want {
			b.Fatal(code)
		}
	}
}
