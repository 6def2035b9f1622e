package calendar

import (
	"encoding/xml"
	"strings"
	"testing"

	"github.com/emersion/go-ical"

	"groupd/internal/recur"
)

// The US/Eastern zone and two objects of RFC 4791 Appendix B (abcd2.ics,
// abcd3.ics), as the examples of §7.8.3 and §7.8.5 use them.
const rfcEastern = "BEGIN:VTIMEZONE\r\nLAST-MODIFIED:20040110T032845Z\r\nTZID:US/Eastern\r\n" +
	"BEGIN:DAYLIGHT\r\nDTSTART:20000404T020000\r\nRRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=4\r\nTZNAME:EDT\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400\r\nEND:DAYLIGHT\r\n" +
	"BEGIN:STANDARD\r\nDTSTART:20001026T020000\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\nTZNAME:EST\r\nTZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500\r\nEND:STANDARD\r\n" +
	"END:VTIMEZONE\r\n"

const rfcUID2 = "00959BC664CA650E933C892C@example.com"

func rfcABCD2(extra ...string) string {
	comps := []string{rfcEastern,
		event(rfcUID2, "DTSTART;TZID=US/Eastern:20060102T120000", "DURATION:PT1H", "RRULE:FREQ=DAILY;COUNT=5", "SUMMARY:Event #2"),
		event(rfcUID2, "DTSTART;TZID=US/Eastern:20060104T140000", "DURATION:PT1H",
			"RECURRENCE-ID;TZID=US/Eastern:20060104T120000", "SUMMARY:Event #2 bis")}
	return ics(append(comps, extra...)...)
}

var rfcABCD3 = ics(rfcEastern, event("DC6C50A017428C5216A2F1CD@example.com", "DTSTART;TZID=US/Eastern:20060104T100000",
	"DURATION:PT1H", "SEQUENCE:1", "STATUS:TENTATIVE", "SUMMARY:Event #3"))

// calQuery is a calendar-query asking for calendar-data with data (an
// expand or limit-recurrence-set element) and VEVENTs in [start, end).
func calQuery(data, start, end string) string {
	return `<?xml version="1.0" encoding="utf-8" ?><C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
<D:prop><C:calendar-data>` + data + `</C:calendar-data></D:prop>
<C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">
<C:time-range start="` + start + `" end="` + end + `"/></C:comp-filter></C:comp-filter></C:filter></C:calendar-query>`
}

// davData reads a multistatus: each href's calendar-data, parsed.
func davData(t *testing.T, body string) map[string]*ical.Calendar {
	t.Helper()
	var ms struct {
		Responses []struct {
			Href     string `xml:"DAV: href"`
			Propstat []struct {
				Prop struct {
					Data string `xml:"urn:ietf:params:xml:ns:caldav calendar-data"`
				} `xml:"DAV: prop"`
			} `xml:"DAV: propstat"`
		} `xml:"DAV: response"`
	}
	if err := xml.Unmarshal([]byte(body), &ms); err != nil {
		t.Fatalf("multistatus: %v\n%s", err, body)
	}
	out := map[string]*ical.Calendar{}
	for _, r := range ms.Responses {
		for _, ps := range r.Propstat {
			if ps.Prop.Data != "" {
				out[r.Href[strings.LastIndexByte(r.Href, '/')+1:]] = parseICS(t, ps.Prop.Data)
			}
		}
	}
	return out
}

// instances describes each component as "SUMMARY DTSTART [RECURRENCE-ID]",
// and fails if one still has a recurrence or a zone.
func instances(t *testing.T, cal *ical.Calendar) []string {
	t.Helper()
	var out []string
	if cal == nil {
		return []string{"no calendar-data"}
	}
	for _, c := range cal.Children {
		if c.Name == ical.CompTimezone {
			t.Errorf("expanded data keeps a VTIMEZONE")
			continue
		}
		for _, p := range []string{ical.PropRecurrenceRule, ical.PropRecurrenceDates, ical.PropExceptionDates} {
			if c.Props.Get(p) != nil {
				t.Errorf("expanded %s keeps %s", c.Name, p)
			}
		}
		s, _ := c.Props.Text(ical.PropSummary)
		d := s + " " + c.Props.Get(ical.PropDateTimeStart).Value
		if rid := c.Props.Get(ical.PropRecurrenceID); rid != nil {
			d += " " + rid.Value
		}
		out = append(out, d)
	}
	return out
}

// TestExpandRFC4791: the example of RFC 4791 §7.8.3 — expanded into UTC
// instances with RECURRENCE-ID, the override applied; the non-recurring
// event is only moved to UTC.
func TestExpandRFC4791(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	ev := "/dav/calendars/team/events/"
	e.put("bob", ev+"abcd2.ics", rfcABCD2(), nil)
	e.put("bob", ev+"abcd3.ics", rfcABCD3, nil)
	q := calQuery(`<C:expand start="20060103T000000Z" end="20060105T000000Z"/>`, "20060103T000000Z", "20060105T000000Z")
	code, body, _ := e.do("bob", "REPORT", ev, q, hdr{"Content-Type": "application/xml", "Depth": "1"})
	if code != 207 {
		t.Fatalf("REPORT: %d %s", code, body)
	}
	data := davData(t, body)
	if got := instances(t, data["abcd2.ics"]); !eq(got, "Event #2 20060103T170000Z 20060103T170000Z",
		"Event #2 bis 20060104T190000Z 20060104T170000Z") {
		t.Errorf("abcd2 expanded to %q", got)
	}
	if got := instances(t, data["abcd3.ics"]); !eq(got, "Event #3 20060104T150000Z") {
		t.Errorf("abcd3 expanded to %q", got)
	}
	if d := data["abcd2.ics"].Children[0].Props.Get(ical.PropDuration); d == nil || d.Value != "PT1H" {
		t.Errorf("the instance lost its DURATION: %v", d)
	}
}

// TestExpandExdateAllDayMultiget: EXDATEs are left out, all-day
// instances stay DATEs, and calendar-multiget expands too (§9.6.5).
func TestExpandExdateAllDayMultiget(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	ev := "/dav/calendars/team/events/"
	e.put("bob", ev+"daily.ics", ics(event("daily", "DTSTART;TZID=Europe/Berlin:20250106T100000",
		"DTEND;TZID=Europe/Berlin:20250106T110000", "RRULE:FREQ=DAILY", "EXDATE;TZID=Europe/Berlin:20250108T100000",
		"SUMMARY:Standup")), nil)
	e.put("bob", ev+"days.ics", ics(event("days", "DTSTART;VALUE=DATE:20250101", "DTEND;VALUE=DATE:20250102",
		"RRULE:FREQ=WEEKLY", "SUMMARY:Weekly")), nil)
	mg := `<?xml version="1.0"?><C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
<D:prop><D:getetag/><C:calendar-data><C:expand start="20250107T000000Z" end="20250110T000000Z"/></C:calendar-data></D:prop>
<D:href>` + ev + `daily.ics</D:href><D:href>` + ev + `days.ics</D:href></C:calendar-multiget>`
	code, body, _ := e.do("bob", "REPORT", ev, mg, hdr{"Content-Type": "application/xml"})
	if code != 207 {
		t.Fatalf("multiget: %d %s", code, body)
	}
	data := davData(t, body)
	if got := instances(t, data["daily.ics"]); !eq(got, "Standup 20250107T090000Z 20250107T090000Z",
		"Standup 20250109T090000Z 20250109T090000Z") {
		t.Errorf("daily expanded to %q", got)
	}
	if got := instances(t, data["days.ics"]); !eq(got, "Weekly 20250108 20250108") {
		t.Errorf("all-day expanded to %q", got)
	}
	if end := data["daily.ics"].Children[0].Props.Get(ical.PropDateTimeEnd); end == nil || end.Value != "20250107T100000Z" {
		t.Errorf("DTEND of the first instance: %v", end)
	}
}

// TestLimitRecurrenceSet: RFC 4791 §9.6.6 (example §7.8.5): the master
// as it is, with the overrides that affect the range; one outside it goes.
func TestLimitRecurrenceSet(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	ev := "/dav/calendars/team/events/"
	e.put("bob", ev+"abcd2.ics", rfcABCD2(event(rfcUID2, "DTSTART;TZID=US/Eastern:20060106T150000", "DURATION:PT1H",
		"RECURRENCE-ID;TZID=US/Eastern:20060106T120000", "SUMMARY:Event #2 ter")), nil)
	q := calQuery(`<C:limit-recurrence-set start="20060103T000000Z" end="20060105T000000Z"/>`, "20060103T000000Z", "20060105T000000Z")
	code, body, _ := e.do("bob", "REPORT", ev, q, hdr{"Content-Type": "application/xml"})
	if code != 207 {
		t.Fatalf("REPORT: %d %s", code, body)
	}
	var got []string
	cal := davData(t, body)["abcd2.ics"]
	if cal == nil {
		t.Fatalf("no calendar-data: %s", body)
	}
	for _, c := range cal.Children {
		s, _ := c.Props.Text(ical.PropSummary)
		got = append(got, c.Name+":"+s)
	}
	if !eq(got, "VTIMEZONE:", "VEVENT:Event #2", "VEVENT:Event #2 bis") {
		t.Errorf("limit-recurrence-set gave %q", got)
	}
}

// TestExpandBudget: expansion counts against the request's budget;
// past it the object is left out and the collection answers 507 with
// DAV:number-of-matches-within-limits, as for matching.
func TestExpandBudget(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{QueryLimits: recur.Limits{Instances: 5}})
	ev := "/dav/calendars/team/events/"
	e.put("bob", ev+"hourly.ics", ics(event("hourly", "DTSTART:20250101T000000Z", "DURATION:PT10M", "RRULE:FREQ=HOURLY")), nil)
	q := calQuery(`<C:expand start="20250101T000000Z" end="20250102T000000Z"/>`, "20250101T000000Z", "20250102T000000Z")
	code, body, _ := e.do("bob", "REPORT", ev, q, hdr{"Content-Type": "application/xml"})
	if code != 207 || strings.Contains(body, "BEGIN:VEVENT") || !strings.Contains(body, "HTTP/1.1 507") ||
		!strings.Contains(body, "number-of-matches-within-limits") {
		t.Fatalf("over budget: %d %s", code, body)
	}
}
