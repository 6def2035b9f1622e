package calendar

import (
	"context"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"groupd/groups"
	"groupd/internal/recur"
)

// TestPutLimits: the per-object limits at PUT (limits.go), each refused
// with 403, its precondition and a sentence; objects just within them
// are stored.
func TestPutLimits(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	ev := "/dav/calendars/team/events/"
	weekly := event("big", "DTSTART:20260105T100000Z", "DURATION:PT1H", "RRULE:FREQ=WEEKLY")
	overrides := func(n int) []string {
		comps := []string{weekly}
		for i := range n {
			d := time.Date(2026, 1, 12, 10, 0, 0, 0, time.UTC).AddDate(0, 0, 7*i).Format("20060102T150405Z")
			comps = append(comps, event("big", "RECURRENCE-ID:"+d, "DTSTART:"+d, "DURATION:PT2H"))
		}
		return comps
	}
	var rdates []string
	for i := range maxInstances + 1 {
		rdates = append(rdates, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i)*time.Hour).Format("20060102T150405Z"))
	}
	cases := []struct {
		name, body string
		code       int
		want       string
	}{
		{"1000 components", ics(overrides(999)...), 201, ""},
		{"1001 components", ics(overrides(1000)...), 403, "<C:valid-calendar-object-resource/>"},
		{"hourly without end", ics(event("h", "DTSTART:20260105T100000Z", "RRULE:FREQ=HOURLY")), 201, ""},
		{"every half hour", ics(event("m", "DTSTART:20260105T100000Z", "RRULE:FREQ=MINUTELY;INTERVAL=30")), 403, "<C:max-instances/>"},
		{"the audit's rule", ics(event("s", "DTSTART:20260105T100000Z", "RRULE:FREQ=SECONDLY;COUNT=10000000")), 403, "<C:max-instances/>"},
		{"10001 RDATEs", ics(event("r", "DTSTART:20251231T000000Z", "RDATE:"+strings.Join(rdates, ","))), 403, "<C:max-instances/>"},
		{"a rule that walks centuries to find nothing", ics(event("w", "DTSTART:20260105T100000Z",
			"RRULE:FREQ=SECONDLY;BYHOUR=23;BYMONTH=2;BYMONTHDAY=30")), 201, ""},
		{"ten such rules", ics(slices.Repeat([]string{event("w10", "DTSTART:20260105T100000Z",
			"RRULE:FREQ=SECONDLY;BYHOUR=23;BYMONTH=2;BYMONTHDAY=30")}, 10)...), 403, "too much work"},
		{"year 0", ics(event("z", "DTSTART:00000105T100000Z", "RRULE:FREQ=DAILY")), 400, "outside the years"},
	}
	for i, tc := range cases {
		began := time.Now()
		code, body, _ := e.do("bob", "PUT", ev+"o"+strconv.Itoa(i)+".ics", tc.body, hdr{"Content-Type": "text/calendar"})
		t.Logf("%s: %v", tc.name, time.Since(began))
		if code != tc.code || !strings.Contains(body, tc.want) || code != 201 && !strings.Contains(body, "responsedescription") {
			t.Errorf("%s: %d %.300s", tc.name, code, body)
		}
	}
	_, body, _ := e.do("bob", "PROPFIND", ev, `<d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><c:max-instances/></d:prop></d:propfind>`,
		hdr{"Depth": "0"})
	if !strings.Contains(body, "<c:max-instances>10000</c:max-instances>") {
		t.Errorf("max-instances: %s", body)
	}
}

// storeRaw stores body as it is, as objects stored before the limits.
func (e *env) storeRaw(t *testing.T, name, uid, body string) {
	t.Helper()
	c, err := e.store.Calendar(context.Background(), groups.Actor{Email: "bob@example.test"}, "team", groups.FeatureEvent)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Put(context.Background(), groups.CalPut{Name: name, UID: uid, Data: body,
		First: math.MinInt64, Last: math.MaxInt64}); err != nil {
		t.Fatal(err)
	}
}

// TestStoredHostile: objects that the PUT limits refuse, stored before
// them (a rule every second since 1970; the audit's 200 components of ten
// million instances each), cost a query no more than its budget: a
// calendar-query finds them and an ordinary event, and a free-busy-query
// over a day of a million busy seconds answers 507.
func TestStoredHostile(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	ev := "/dav/calendars/team/events/"
	e.storeRaw(t, "storm.ics", "storm", ics(event("storm", "DTSTART:19700101T000000Z", "RRULE:FREQ=SECONDLY")))
	var comps []string
	for i := range 200 {
		comps = append(comps, event("attack", "DTSTART:20250601T00"+strconv.Itoa(10+i%50)+"00Z", "RRULE:FREQ=SECONDLY;COUNT=10000000"))
	}
	e.storeRaw(t, "attack.ics", "attack", ics(comps...))
	e.put("bob", ev+"calm.ics", ics(event("calm", "DTSTART:20250601T100000Z", "DTEND:20250601T110000Z")), nil)
	began := time.Now()
	code, body, _ := e.do("bob", "REPORT", ev, timeRangeQuery("20250601T000000Z", "20250602T000000Z"), hdr{"Content-Type": "application/xml"})
	if code != 207 || !strings.Contains(body, "calm.ics") || !strings.Contains(body, "storm.ics") || !strings.Contains(body, "attack.ics") ||
		strings.Contains(body, "507") || time.Since(began) > time.Second {
		t.Fatalf("query: %d in %v: %s", code, time.Since(began), body)
	}
	began = time.Now()
	code, body, _ = e.do("bob", "REPORT", ev, freeBusyQuery("20250601T000000Z", "20250602T000000Z"), hdr{"Content-Type": "application/xml"})
	if code != 507 || !strings.Contains(body, "<D:number-of-matches-within-limits/>") || time.Since(began) > time.Second {
		t.Fatalf("free-busy: %d in %v: %s", code, time.Since(began), body)
	}
}

// TestQueryBudget: past the request's budget a calendar-query answers the
// matches found with a 507 response for the collection naming
// DAV:number-of-matches-within-limits, and a free-busy-query answers 507;
// past the bytes allowed, the same.
func TestQueryBudget(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{QueryLimits: recur.Limits{Instances: 2}, MaxReportBytes: 2000})
	ev := "/dav/calendars/team/events/"
	for i := range 3 {
		e.put("bob", ev+"d"+strconv.Itoa(i)+".ics", ics(event("d"+strconv.Itoa(i), "DTSTART:20250101T0"+strconv.Itoa(i)+"0000Z",
			"DURATION:PT1H", "RRULE:FREQ=DAILY")), nil)
	}
	code, body, _ := e.do("bob", "REPORT", ev, timeRangeQuery("20250601T000000Z", "20250602T000000Z"), hdr{"Content-Type": "application/xml"})
	if code != 207 || strings.Count(body, "<d:getetag>") != 2 || !strings.Contains(body, "HTTP/1.1 507") ||
		!strings.Contains(body, "<d:error><d:number-of-matches-within-limits/></d:error>") ||
		!strings.Contains(body, "more than 2 recurrence instances for the request") {
		t.Fatalf("query: %d %s", code, body)
	}
	code, body, _ = e.do("bob", "REPORT", ev, freeBusyQuery("20250601T000000Z", "20250602T000000Z"), hdr{"Content-Type": "application/xml"})
	if code != 507 || !strings.Contains(body, "number-of-matches-within-limits") {
		t.Fatalf("free-busy: %d %s", code, body)
	}
	e = newEnv(t, Options{MaxReportBytes: 1500})
	for i := range 3 {
		e.put("bob", ev+"s"+strconv.Itoa(i)+".ics", ics(event("s"+strconv.Itoa(i), "DTSTART:20250601T100000Z", "DURATION:PT1H")), nil)
	}
	q := strings.Replace(timeRangeQuery("20250601T000000Z", "20250602T000000Z"), "<d:getetag/>", "<d:getetag/><c:calendar-data/>", 1)
	code, body, _ = e.do("bob", "REPORT", ev, q, hdr{"Content-Type": "application/xml"})
	if code != 207 || strings.Count(body, "BEGIN:VCALENDAR") != 2 || !strings.Contains(body, "exceeds 1500 bytes") || !strings.Contains(body, "HTTP/1.1 507") {
		t.Fatalf("bytes: %d %s", code, body)
	}
}

func timeRangeQuery(start, end string) string {
	return `<?xml version="1.0"?><c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">
<d:prop><d:getetag/></d:prop><c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT">
<c:time-range start="` + start + `" end="` + end + `"/></c:comp-filter></c:comp-filter></c:filter></c:calendar-query>`
}

func freeBusyQuery(start, end string) string {
	return `<?xml version="1.0"?><c:free-busy-query xmlns:c="urn:ietf:params:xml:ns:caldav"><c:time-range start="` +
		start + `" end="` + end + `"/></c:free-busy-query>`
}
