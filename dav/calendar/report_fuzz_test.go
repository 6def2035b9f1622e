package calendar

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"groupd/groups"
	"groupd/internal/testkit"
)

// fuzzEnv is a store with the test users and groups and a few objects in
// team's collections, served in-process: a request is a call of the
// handler, so a panic reaches the fuzzer instead of net/http's recovery.
type fuzzEnv struct {
	*env
	h    http.Handler
	snap string // calSnapshot after the seeding
}

const (
	fuzzEv = "/dav/calendars/team/events/"
	fuzzTk = "/dav/calendars/team/tasks/"
)

func newFuzzEnv(f *testing.F) *fuzzEnv {
	f.Helper()
	e := newEnv(f, Options{MaxRequestBytes: 64 << 10})
	for _, o := range []struct{ path, body string }{
		{fuzzEv + "a.ics", ics(event("a", "DTSTART:20250110T100000Z", "DTEND:20250110T110000Z", "SUMMARY:Quarterly PLANNING"))},
		{fuzzEv + "b.ics", ics(event("b", "DTSTART;TZID=Europe/Berlin:20250106T090000", "DURATION:PT1H", "RRULE:FREQ=WEEKLY;COUNT=10",
			"EXDATE;TZID=Europe/Berlin:20250113T090000", "SUMMARY:Weekly", "STATUS:TENTATIVE"))},
		{fuzzEv + "c.ics", ics(event("c", "DTSTART;VALUE=DATE:20250115", "SUMMARY:Free", "TRANSP:TRANSPARENT"))},
		{fuzzTk + "t.ics", ics(todo("t", "DUE:20250201T120000Z", "SUMMARY:Report", "STATUS:NEEDS-ACTION"))},
		{"/dav/calendars/hidden/events/h.ics", ics(event("h", "DTSTART:20250110T100000Z", "SUMMARY:Secret"))},
	} {
		if code, _ := e.put("bob", o.path, o.body, nil); code != http.StatusCreated {
			f.Fatalf("PUT %s: %d", o.path, code)
		}
	}
	fe := &fuzzEnv{env: e, h: e.srv.Config.Handler}
	snap, err := fe.calSnapshot()
	if err != nil {
		f.Fatal(err)
	}
	fe.snap = snap
	return fe
}

// serve calls the handler as bob.
func (fe *fuzzEnv) serve(method, path string, body []byte, h hdr) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	req.SetBasicAuth("bob@example.test", pw)
	for k, v := range h {
		req.Header.Set(k, v)
	}
	return testkit.ServeWithin(fe.h, req, body, fuzzTimeout)
}

// fuzzTimeout bounds one request of a fuzz target.
const fuzzTimeout = 10 * time.Second

// calSnapshot is what a REPORT or PROPPATCH must not change: every
// object (name, ETag, data) and the sync token of the seeded collections.
func (fe *fuzzEnv) calSnapshot() (string, error) {
	ctx := context.Background()
	var b strings.Builder
	for _, c := range []struct{ group, feature string }{{"team", groups.FeatureEvent}, {"team", groups.FeatureTask}, {"hidden", groups.FeatureEvent}} {
		cal, err := fe.store.Calendar(ctx, groups.Actor{Email: "bob@example.test"}, c.group, c.feature)
		if err != nil {
			return "", err
		}
		objs, err := cal.List(ctx)
		if err != nil {
			return "", err
		}
		tok, err := cal.Token(ctx)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "%s/%s token %d\n", c.group, c.feature, tok)
		for _, o := range objs {
			fmt.Fprintf(&b, "  %s %s %d\n", o.Name, o.ETag, len(o.Data))
		}
	}
	return b.String(), nil
}

// check asserts what every fuzzed request must leave: an answer below
// 500, a 207 that is well-formed XML, the objects unchanged, and a
// handler that still serves a GET and a PROPFIND.
func (fe *fuzzEnv) check(t *testing.T, what string, body []byte, rec *httptest.ResponseRecorder) {
	t.Helper()
	if rec.Code >= 500 {
		t.Fatalf("%s %q: %d %s", what, body, rec.Code, rec.Body)
	}
	if rec.Code == http.StatusMultiStatus {
		if err := wellFormed(rec.Body.Bytes()); err != nil {
			t.Fatalf("%s %q: the 207 answer is not well-formed XML (%v):\n%s", what, body, err, rec.Body)
		}
	}
	snap, err := fe.calSnapshot()
	if err != nil {
		t.Fatal(err)
	}
	if snap != fe.snap {
		t.Fatalf("%s %q changed the calendars:\n%s\nwas:\n%s", what, body, snap, fe.snap)
	}
	if g := fe.serve(http.MethodGet, fuzzEv+"a.ics", nil, nil); g.Code != http.StatusOK || !strings.Contains(g.Body.String(), "UID:a\r\n") {
		t.Fatalf("after %s %q: GET answers %d %s", what, body, g.Code, g.Body)
	}
	pf := fe.serve("PROPFIND", fuzzEv, []byte(`<d:propfind xmlns:d="DAV:"><d:prop><d:getetag/></d:prop></d:propfind>`), hdr{"Depth": "1"})
	if pf.Code != http.StatusMultiStatus || !strings.Contains(pf.Body.String(), "b.ics") {
		t.Fatalf("after %s %q: PROPFIND answers %d %s", what, body, pf.Code, pf.Body)
	}
}

// wellFormed is testkit.WellFormedXML.
func wellFormed(b []byte) error { return testkit.WellFormedXML(b) }

// reportTargets are where FuzzCalendarReport sends its REPORT: mostly
// the two collections, sometimes an object or the group.
var reportTargets = []string{fuzzEv, fuzzTk, fuzzEv, fuzzEv + "a.ics", "/dav/calendars/team/"}

// FuzzCalendarReport sends fuzzed REPORT bodies (calendar-multiget,
// calendar-query, sync-collection, free-busy-query, and anything else)
// through the handler with Depth: 1. Properties: no panic; no 5xx; a 207
// is well-formed XML; the stored objects and sync tokens are unchanged;
// the handler answers a GET and a PROPFIND afterwards.
func FuzzCalendarReport(f *testing.F) {
	const ns = `xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"`
	query := func(filter string) string {
		return `<?xml version="1.0"?><c:calendar-query ` + ns + `><d:prop><d:getetag/><c:calendar-data/></d:prop><c:filter>` + filter + `</c:filter></c:calendar-query>`
	}
	for _, s := range []struct {
		body   string
		target uint8
	}{
		{`<?xml version="1.0"?><c:calendar-multiget ` + ns + `><d:prop><d:getetag/><c:calendar-data/></d:prop><d:href>` + fuzzEv + `a.ics</d:href><d:href>` + fuzzEv + `missing.ics</d:href></c:calendar-multiget>`, 0},
		{`<c:calendar-multiget ` + ns + `><d:prop><d:getetag/><c:calendar-data><c:comp name="VCALENDAR"/></c:calendar-data></d:prop>
<d:href> ` + fuzzEv + `b.ics </d:href><d:href>http://example.test` + fuzzTk + `t.ics</d:href><d:href>/dav/calendars/hidden/events/h.ics</d:href><d:href>/dav/calendars/team/events/b%20c.ics</d:href></c:calendar-multiget>`, 1},
		{`<?xml version="1.0"?><x:calendar-multiget xmlns:x="urn:ietf:params:xml:ns:caldav" xmlns="DAV:"><href>` + fuzzEv + `a.ics</href><x:href>/not-dav.ics</x:href><other><href>/nested.ics</href></other><propname/></x:calendar-multiget>`, 0},
		{`<c:calendar-multiget ` + ns + `><d:allprop/><d:href>` + fuzzEv + `c.ics</d:href><d:href>/dav/calendars/team/events/../tasks/t.ics</d:href><d:href>%zz</d:href></c:calendar-multiget>`, 0},
		{query(`<c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"><c:time-range start="20250601T000000Z" end="20250701T000000Z"/></c:comp-filter></c:comp-filter>`), 0},
		{query(`<c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"><c:prop-filter name="SUMMARY"><c:text-match negate-condition="yes" collation="i;unicode-casemap">PLANNING</c:text-match></c:prop-filter></c:comp-filter></c:comp-filter>`), 0},
		{query(`<c:comp-filter name="VCALENDAR"><c:comp-filter name="VTODO"><c:prop-filter name="COMPLETED"><c:is-not-defined/></c:prop-filter><c:prop-filter name="DUE"><c:time-range start="20250101T000000Z"/></c:prop-filter></c:comp-filter></c:comp-filter>`), 1},
		{query(`<c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"><c:prop-filter name="DTSTART"><c:param-filter name="TZID"><c:text-match>Berlin</c:text-match></c:param-filter></c:prop-filter></c:comp-filter></c:comp-filter>`) +
			``, 0},
		{`<c:calendar-query ` + ns + `><d:propname/><c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"><c:time-range start="20250106T000000" end="20250301T000000"/></c:comp-filter></c:comp-filter></c:filter>
<c:timezone>BEGIN:VCALENDAR&#13;
BEGIN:VTIMEZONE&#13;
TZID:Europe/Berlin&#13;
END:VTIMEZONE&#13;
END:VCALENDAR&#13;
</c:timezone></c:calendar-query>`, 0},
		{`<?xml version="1.0"?><d:sync-collection xmlns:d="DAV:"><d:sync-token></d:sync-token><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>`, 0},
		{`<d:sync-collection xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:sync-token>http://groupd.invalid/sync/1</d:sync-token><d:sync-level>1</d:sync-level><d:prop><c:calendar-data/></d:prop></d:sync-collection>`, 1},
		{`<d:sync-collection xmlns:d="DAV:"><d:sync-token>-1</d:sync-token><d:sync-level>infinite</d:sync-level></d:sync-collection>`, 0},
		{`<?xml version="1.0"?><c:free-busy-query xmlns:c="urn:ietf:params:xml:ns:caldav"><c:time-range start="20250101T000000Z" end="20250401T000000Z"/></c:free-busy-query>`, 0},
		{`<c:free-busy-query xmlns:c="urn:ietf:params:xml:ns:caldav"><c:time-range start="20250401T000000Z" end="20250101T000000Z"/></c:free-busy-query>`, 0},
		{`<c:free-busy-query xmlns:c="urn:ietf:params:xml:ns:caldav"><c:time-range start="20250101T000000Z" end="20250401T000000Z"/></c:free-busy-query>`, 1},
		{`<d:expand-property xmlns:d="DAV:"/>`, 0},
		{`<c:calendar-query ` + ns + `><c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"><c:time-range start="x"/>`, 0},
		{`<c:calendar-multiget ` + ns + `><d:href>/a.ics</d:href>`, 0},
		{`<!DOCTYPE x [<!ENTITY a "aaaa">]><c:calendar-query ` + ns + `>&a;</c:calendar-query>`, 0},
		{``, 0},
		{`not xml`, 2},
		{`<c:calendar-query ` + ns + `><c:filter><c:comp-filter name="VCALENDAR"/></c:filter></c:calendar-query>`, 3},
		{`<c:calendar-multiget ` + ns + `><d:href>` + fuzzEv + `a.ics</d:href></c:calendar-multiget>`, 4},
	} {
		f.Add([]byte(s.body), s.target)
	}
	fe := newFuzzEnv(f)
	f.Fuzz(func(t *testing.T, body []byte, target uint8) {
		p := reportTargets[int(target)%len(reportTargets)]
		rec := fe.serve("REPORT", p, body, hdr{"Depth": "1", "Content-Type": "application/xml; charset=utf-8"})
		fe.check(t, "REPORT "+p, body, rec)
	})
}

// FuzzCalendarPropPatch sends fuzzed PROPPATCH bodies to the collections
// (and, now and then, an object). Properties: as FuzzCalendarReport's;
// the per-user collection properties may change, the objects may not.
func FuzzCalendarPropPatch(f *testing.F) {
	for _, s := range []struct {
		body   string
		target uint8
	}{
		{`<?xml version="1.0"?><d:propertyupdate xmlns:d="DAV:" xmlns:a="http://apple.com/ns/ical/">
<d:set><d:prop><d:displayname>Team (mine)</d:displayname><a:calendar-color>#FF0000FF</a:calendar-color><a:calendar-order>3</a:calendar-order></d:prop></d:set>
</d:propertyupdate>`, 0},
		{`<?xml version="1.0"?><d:propertyupdate xmlns:d="DAV:"><d:set><d:prop><d:displayname>X</d:displayname><d:getetag>nope</d:getetag></d:prop></d:set></d:propertyupdate>`, 1},
		{`<d:propertyupdate xmlns:d="DAV:" xmlns:a="http://apple.com/ns/ical/"><d:remove><d:prop><a:calendar-color/></d:prop></d:remove><d:set><d:prop><a:calendar-color>#00FF00</a:calendar-color></d:prop></d:set></d:propertyupdate>`, 0},
		{`<d:propertyupdate xmlns:d="DAV:"><d:set><d:prop><x:y xmlns:x=""/><z/></d:prop></d:set></d:propertyupdate>`, 0},
		{`<d:propertyupdate xmlns:d="DAV:"><d:set><d:prop><d:displayname>` + strings.Repeat("n", 1100) + `</d:displayname></d:prop></d:set></d:propertyupdate>`, 0},
		{`<d:propertyupdate xmlns:d="DAV:"><d:set><d:prop><d:displayname><b>bold</b> &amp; more</d:displayname></d:prop></d:set></d:propertyupdate>`, 1},
		{`<d:propertyupdate xmlns:d="DAV:"><d:set><d:prop><d:displayname>x</d:displayname></d:prop></d:set></d:propertyupdate>`, 2},
		{`<d:propertyupdate xmlns:d="DAV:"><d:set><d:prop>`, 0},
		{`<d:propfind xmlns:d="DAV:"><d:allprop/></d:propfind>`, 0},
		{``, 0},
		{`<!DOCTYPE x [<!ENTITY a "aaaa">]><d:propertyupdate xmlns:d="DAV:"><d:set><d:prop><d:displayname>&a;</d:displayname></d:prop></d:set></d:propertyupdate>`, 0},
	} {
		f.Add([]byte(s.body), s.target)
	}
	fe := newFuzzEnv(f)
	targets := []string{fuzzEv, fuzzTk, fuzzEv + "a.ics", "/dav/calendars/team/"}
	f.Fuzz(func(t *testing.T, body []byte, target uint8) {
		p := targets[int(target)%len(targets)]
		rec := fe.serve("PROPPATCH", p, body, hdr{"Content-Type": "application/xml; charset=utf-8"})
		fe.check(t, "PROPPATCH "+p, body, rec)
	})
}
