package calendar

import (
	"reflect"
	"strings"
	"testing"
)

const (
	mgOpen  = `<c:calendar-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">`
	mgClose = `</c:calendar-multiget>`
	mgProp  = `<d:prop><d:getetag/><c:calendar-data/></d:prop>`
)

// scanSeeds are calendar-multigets as clients send them and the odd
// ones that scanMultiget must leave to encoding/xml.
func scanSeeds() []string {
	return []string{
		`<?xml version="1.0"?>` + mgOpen + mgProp + `<d:href>/dav/calendars/team/events/a.ics</d:href><d:href>/b%20c.ics</d:href>` + mgClose,
		`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + mgOpen + "\n  " + mgProp + "\n  <d:href>/a.ics</d:href>\n  <d:href> /b.ics </d:href>\n" + mgClose + "\n",
		`<C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/><C:calendar-data><C:comp name="VCALENDAR"/></C:calendar-data></D:prop><D:href>/a.ics</D:href></C:calendar-multiget>`,
		`<calendar-multiget xmlns="urn:ietf:params:xml:ns:caldav" xmlns:d="DAV:"><d:prop><d:getetag/></d:prop><d:href>/a.ics</d:href><href>/not-dav.ics</href></calendar-multiget>`,
		`<x:calendar-multiget xmlns:x="urn:ietf:params:xml:ns:caldav" xmlns="DAV:"><href>/a.ics</href><other><href>/nested.ics</href></other><propname/></x:calendar-multiget>`,
		mgOpen + `<d:allprop/><d:href>/a.ics</d:href>` + mgClose,
		mgOpen + `<d:prop/>` + mgClose,
		mgOpen + mgProp + mgClose,
		mgOpen + `<d:prop><c:calendar-data><c:expand start="20250101T000000Z" end="20250201T000000Z"/></c:calendar-data></d:prop><d:href>/a.ics</d:href>` + mgClose,
		mgOpen + `<d:prop><c:calendar-data><c:limit-recurrence-set start="20250101T000000Z" end="20250201T000000Z"/></c:calendar-data></d:prop><d:href>/a.ics</d:href>` + mgClose,
		mgOpen + `<d:prop><x:y xmlns:x="urn:x" a='>' b="/"/></d:prop><d:href>/a.ics</d:href>` + mgClose,
		mgOpen + `<d:href>/caf` + "\u00e9" + `.ics</d:href><d:href></d:href><d:href>` + "\t/a.ics\n" + `</d:href>` + mgClose,
		mgOpen + `<d:href>/a.ics</d:href   >` + mgClose,
		"<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n" + mgOpen + mgProp + "\n    <d:href>/a.ics</d:href>\n" + mgClose,
		"<?xml version='1.0' encoding='UTF-8' standalone='no' ?>" + mgOpen + mgProp + "<d:href>/a.ics</d:href>" + mgClose,
		mgOpen + `<d:href>/a&amp;b.ics</d:href>` + mgClose,
		mgOpen + `<d:href><![CDATA[/a.ics]]></d:href>` + mgClose,
		mgOpen + `<!-- c --><d:href>/a.ics</d:href>` + mgClose,
		mgOpen + `<d:href>/a]]>.ics</d:href>` + mgClose,
		mgOpen + "<d:href>/a\r\n.ics</d:href>" + mgClose,
		mgOpen + `<d:href xmlns:d="urn:other">/a.ics</d:href>` + mgClose,
		mgOpen + `<e:href xmlns:e="DAV:">/a.ics</e:href>` + mgClose,
		mgOpen + `<:href>/a.ics</:href>` + mgClose,
		mgOpen + `<d:a:href>/a.ics</d:a:href>` + mgClose,
		mgOpen + `<d:href>/a.ics</d:href>` + mgClose + `<d:href>/b.ics</d:href>`,
		mgOpen + `<d:href>/a.ics</d:href>`,
		mgOpen + `text<d:href>/a.ics</d:href>` + mgClose,
		`<?xml version="1.1"?>` + mgOpen + `<d:href>/a.ics</d:href>` + mgClose,
		`<?xml version="1.0" encoding="latin1"?>` + mgOpen + `<d:href>/a.ics</d:href>` + mgClose,
		`<?xml version="1.0" encoding="utf-8" standalone="maybe"?>` + mgOpen + `<d:href>/a.ics</d:href>` + mgClose,
		`<?xml-stylesheet href="x"?>` + mgOpen + `<d:href>/a.ics</d:href>` + mgClose,
		"<?xml\u00a0version=\"1.0\"?>" + mgOpen + `<d:href>/a.ics</d:href>` + mgClose,
		`<d:propfind xmlns:d="DAV:"><d:href>/a.ics</d:href></d:propfind>`,
		`<c:calendar-multiget xmlns:c="urn:ietf:params:xml:ns:caldav"><c:x></c:y></c:calendar-multiget>`,
		`<c:calendar-multiget xmlns:d="DAV:" xmlns:d="urn:x" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:href>/a.ics</d:href></c:calendar-multiget>`,
		`<c:calendar-multiget xmlns:1d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><1d:href>/a.ics</1d:href></c:calendar-multiget>`,
		``,
	}
}

// TestScanMultiget: the requests clients send take the fast path, the odd
// ones the slow one; either way the result is encoding/xml's.
func TestScanMultiget(t *testing.T) {
	fast := map[int]bool{0: true, 1: true, 2: true, 4: true, 5: true, 6: true, 7: true, 8: true, 9: true, 10: true, 11: true, 12: true, 13: true, 14: true}
	for i, body := range scanSeeds() {
		mg, ok := scanMultiget([]byte(body))
		if ok != fast[i] {
			t.Errorf("seed %d %.80q: fast path %v", i, body, ok)
		}
		checkScan(t, body)
		if i == 1 && strings.Join(mg.hrefs, "|") != "/a.ics|/b.ics" {
			t.Errorf("hrefs %q", mg.hrefs)
		}
	}
	if mg, ok := scanMultiget([]byte(multiget200Body(1000))); !ok || len(mg.hrefs) != 200 {
		t.Errorf("the benchmark's multiget: fast path %v, %d hrefs", ok, len(mg.hrefs))
	}
}

// FuzzScanMultiget: whatever scanMultiget accepts, encoding/xml reads the
// same way.
func FuzzScanMultiget(f *testing.F) {
	for _, s := range scanSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) { checkScan(t, body) })
}

func checkScan(t *testing.T, body string) {
	t.Helper()
	mg, ok := scanMultiget([]byte(body))
	if !ok {
		return
	}
	want, err := parseMultigetXML([]byte(body))
	if err != nil {
		t.Fatalf("%q: scanned %q, but encoding/xml: %v", body, mg.hrefs, err)
	}
	if !reflect.DeepEqual(mg, want) {
		t.Fatalf("%q: scanned %#v, encoding/xml %#v", body, mg, want)
	}
}
