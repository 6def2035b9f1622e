package calendar

import (
	"strings"
	"testing"
)

// TestParseMultiget: hrefs in order whatever the prefixes, the props
// asked for, propname and allprop; malformed or foreign documents refused.
func TestParseMultiget(t *testing.T) {
	for _, tc := range []struct {
		body, hrefs, props string
		names, all, bad    bool
	}{
		{body: `<c:calendar-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:getetag/><c:calendar-data><c:comp name="VCALENDAR"/></c:calendar-data></d:prop>
<d:href> /a.ics </d:href><d:href>/b%20c.ics</d:href></c:calendar-multiget>`, hrefs: "/a.ics|/b%20c.ics", props: "DAV: getetag|urn:ietf:params:xml:ns:caldav calendar-data"},
		{body: `<?xml version="1.0"?><x:calendar-multiget xmlns:x="urn:ietf:params:xml:ns:caldav" xmlns="DAV:"><href>/a.ics</href><x:href>/not-dav.ics</x:href><other><href>/nested.ics</href></other><propname/></x:calendar-multiget>`, hrefs: "/a.ics", names: true},
		{body: `<c:calendar-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:allprop/><d:href>/a.ics</d:href></c:calendar-multiget>`, hrefs: "/a.ics", all: true},
		{body: `<c:calendar-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop/></c:calendar-multiget>`},
		{body: `<c:calendar-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:href>/a.ics</d:href>`, bad: true},
		{body: `<d:propfind xmlns:d="DAV:"><d:href>/a.ics</d:href></d:propfind>`, bad: true},
		{body: ``, bad: true},
		{body: `<c:calendar-multiget xmlns:c="urn:ietf:params:xml:ns:caldav"><c:x></c:y></c:calendar-multiget>`, bad: true},
	} {
		mg, err := parseMultiget([]byte(tc.body))
		if (err != nil) != tc.bad {
			t.Errorf("%.60s: error %v", tc.body, err)
			continue
		}
		if tc.bad {
			continue
		}
		var props []string
		for _, p := range mg.q.props {
			props = append(props, p.Space+" "+p.Local)
		}
		if strings.Join(mg.hrefs, "|") != tc.hrefs || strings.Join(props, "|") != tc.props ||
			mg.q.names != tc.names || mg.q.all != tc.all || (!tc.all && !tc.names && mg.q.props == nil) {
			t.Errorf("%.60s: hrefs %q props %q names %v all %v", tc.body, mg.hrefs, props, mg.q.names, mg.q.all)
		}
	}
}
