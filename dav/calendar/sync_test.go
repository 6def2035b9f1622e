package calendar

import (
	"context"
	"regexp"
	"sort"
	"strings"
	"testing"

	"groupd/groups"
)

var (
	tokenRe = regexp.MustCompile(`<d:sync-token>([^<]*)</d:sync-token>`)
	respRe  = regexp.MustCompile(`<d:response><d:href>([^<]*)</d:href>(<d:status>[^<]*</d:status>)?`)
)

// syncReport runs sync-collection and returns the new token and the
// changes as "name" or "name 404", sorted.
func (e *env) syncReport(user, coll, token string) (int, string, []string) {
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
	for _, r := range respRe.FindAllStringSubmatch(body, -1) {
		name := r[1][strings.LastIndexByte(r[1], '/')+1:]
		if strings.Contains(r[2], "404") {
			name += " 404"
		}
		changes = append(changes, name)
	}
	sort.Strings(changes)
	return code, m[1], changes
}

// TestSyncCollection: after adds, changes and deletes, sync-collection
// reports exactly those, deletions as 404; getctag and sync-token follow;
// a foreign token is refused with valid-sync-token.
func TestSyncCollection(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	ev := "/dav/calendars/team/events/"
	for _, n := range []string{"1", "2", "3"} {
		e.put("bob", ev+n+".ics", ics(event("u"+n, "DTSTART:20250101T100000Z")), nil)
	}
	code, tok1, changes := e.syncReport("bob", ev, "")
	if code != 207 || !eq(changes, "1.ics", "2.ics", "3.ics") {
		t.Fatalf("initial sync: %d %v", code, changes)
	}
	_, tokAgain, changes := e.syncReport("bob", ev, tok1)
	if len(changes) != 0 || tokAgain != tok1 {
		t.Fatalf("sync without changes: %v %s", changes, tokAgain)
	}
	// Changes in another group do not touch this collection's token.
	e.put("bob", "/dav/calendars/hidden/events/x.ics", ics(event("x", "DTSTART:20250101T100000Z")), nil)
	e.put("alice", ev+"4.ics", ics(event("u4", "DTSTART:20250101T100000Z")), nil)
	e.put("alice", ev+"2.ics", ics(event("u2", "DTSTART:20250102T100000Z")), nil)
	e.do("alice", "DELETE", ev+"3.ics", "", nil)
	e.do("alice", "DELETE", ev+"1.ics", "", nil)
	e.put("alice", ev+"1.ics", ics(event("u1", "DTSTART:20250103T100000Z")), nil) // re-created
	_, tok2, changes := e.syncReport("bob", ev, tok1)
	if !eq(changes, "1.ics", "2.ics", "3.ics 404", "4.ics") || tok2 == tok1 {
		t.Fatalf("sync after changes: %v (token %s -> %s)", changes, tok1, tok2)
	}
	// getctag and sync-token in PROPFIND are the same token.
	_, body, _ := e.do("bob", "PROPFIND", ev, `<?xml version="1.0"?><d:propfind xmlns:d="DAV:" xmlns:cs="http://calendarserver.org/ns/">
<d:prop><cs:getctag/><d:sync-token/></d:prop></d:propfind>`, hdr{"Depth": "0", "Content-Type": "application/xml"})
	if strings.Count(body, tok2) != 2 {
		t.Fatalf("PROPFIND tokens (want %s twice): %s", tok2, body)
	}
	// A purge deletes everything: reported as deletions.
	if err := e.store.Purge(context.Background(), groups.Actor{Email: "alice@example.test"}, "team", []string{"event"}); err != nil {
		t.Fatal(err)
	}
	_, _, changes = e.syncReport("bob", ev, tok2)
	if !eq(changes, "1.ics 404", "2.ics 404", "4.ics 404") {
		t.Fatalf("sync after purge: %v", changes)
	}
	for _, bad := range []string{"urn:groupd:sync:99999999", "http://other.example/sync/1", "urn:groupd:sync:-1"} {
		if code, body, _ := e.syncReport("bob", ev, bad); code != 403 || !strings.Contains(body, "valid-sync-token") {
			t.Errorf("token %q: %d %s", bad, code, body)
		}
	}
}

// TestAccess: an outsider sees nothing of a private group's or a public
// group's calendars; a removed member loses them at once.
func TestAccess(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	ctx := context.Background()
	ev := "/dav/calendars/team/events/"
	e.put("bob", ev+"a.ics", ics(event("a", "DTSTART:20250101T100000Z")), nil)
	e.put("bob", "/dav/calendars/hidden/events/h.ics", ics(event("h", "DTSTART:20250101T100000Z")), nil)
	for _, p := range []string{ev, ev + "a.ics", "/dav/calendars/hidden/events/", "/dav/calendars/hidden/events/h.ics", "/dav/calendars/hidden/"} {
		if code, body, _ := e.do("carol", "PROPFIND", p, "", hdr{"Depth": "1"}); code != 404 {
			t.Errorf("carol PROPFIND %s: %d %s", p, code, body)
		}
	}
	if code, _, _ := e.do("carol", "GET", ev+"a.ics", "", nil); code != 404 {
		t.Errorf("carol GET: %d", code)
	}
	if code, _, _ := e.do("carol", "DELETE", ev+"a.ics", "", nil); code != 404 {
		t.Errorf("carol DELETE: %d", code)
	}
	if code, _, _ := e.syncReport("carol", ev, ""); code != 404 {
		t.Errorf("carol sync: %d", code)
	}
	if code, _, _ := e.do("carol", "PROPFIND", "/dav/principals/bob@example.test/", "", hdr{"Depth": "0"}); code != 404 {
		t.Errorf("carol PROPFIND of bob's principal: %d", code)
	}
	if err := e.store.RemoveMember(ctx, groups.Actor{Email: "alice@example.test"}, "team", "bob@example.test"); err != nil {
		t.Fatal(err)
	}
	if code, _, _ := e.do("bob", "GET", ev+"a.ics", "", nil); code != 404 {
		t.Errorf("removed member GET: %d", code)
	}
	if code, _ := e.put("bob", ev+"b.ics", ics(event("b", "DTSTART:20250101T100000Z")), nil); code != 404 {
		t.Errorf("removed member PUT: %d", code)
	}
	_, body, _ := e.do("bob", "PROPFIND", "/dav/calendars/", "", hdr{"Depth": "1"})
	if strings.Contains(body, "/team/") || !strings.Contains(body, "/hidden/events/") {
		t.Errorf("removed member's home: %s", body)
	}
}

// TestPropPatch: displayname, calendar-color and calendar-order are kept
// per user; other properties are refused atomically.
func TestPropPatch(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	ev := "/dav/calendars/team/events/"
	code, body, _ := e.do("bob", "PROPPATCH", ev, `<?xml version="1.0"?><d:propertyupdate xmlns:d="DAV:" xmlns:a="http://apple.com/ns/ical/">
<d:set><d:prop><d:displayname>Team (mine)</d:displayname><a:calendar-color>#FF0000FF</a:calendar-color><a:calendar-order>3</a:calendar-order></d:prop></d:set>
</d:propertyupdate>`, hdr{"Content-Type": "application/xml"})
	if code != 207 || !strings.Contains(body, "200 OK") {
		t.Fatalf("PROPPATCH: %d %s", code, body)
	}
	pf := `<?xml version="1.0"?><d:propfind xmlns:d="DAV:" xmlns:a="http://apple.com/ns/ical/"><d:prop><d:displayname/><a:calendar-color/><a:calendar-order/></d:prop></d:propfind>`
	_, body, _ = e.do("bob", "PROPFIND", ev, pf, hdr{"Depth": "0", "Content-Type": "application/xml"})
	if !strings.Contains(body, "Team (mine)") || !strings.Contains(body, "#FF0000FF") || !strings.Contains(body, ">3<") {
		t.Fatalf("bob's props: %s", body)
	}
	_, body, _ = e.do("alice", "PROPFIND", ev, pf, hdr{"Depth": "0", "Content-Type": "application/xml"})
	if !strings.Contains(body, "The Team") || strings.Contains(body, "#FF0000FF") {
		t.Fatalf("alice sees bob's props: %s", body)
	}
	code, body, _ = e.do("bob", "PROPPATCH", ev, `<?xml version="1.0"?><d:propertyupdate xmlns:d="DAV:">
<d:set><d:prop><d:displayname>X</d:displayname><d:getetag>nope</d:getetag></d:prop></d:set></d:propertyupdate>`, hdr{"Content-Type": "application/xml"})
	if code != 207 || !strings.Contains(body, "403") || !strings.Contains(body, "424") {
		t.Fatalf("refused PROPPATCH: %d %s", code, body)
	}
	_, body, _ = e.do("bob", "PROPFIND", ev, pf, hdr{"Depth": "0", "Content-Type": "application/xml"})
	if !strings.Contains(body, "Team (mine)") {
		t.Fatalf("a refused PROPPATCH changed something: %s", body)
	}
	// A body that is not a DAV:propertyupdate (here a propfind) is 400.
	code, body, _ = e.do("bob", "PROPPATCH", ev, `<?xml version="1.0"?><d:propfind xmlns:d="DAV:">
<d:set><d:prop><d:displayname>Y</d:displayname></d:prop></d:set></d:propfind>`, hdr{"Content-Type": "application/xml"})
	if code != 400 || !strings.Contains(body, "propertyupdate") {
		t.Fatalf("PROPPATCH with a propfind body: %d %s", code, body)
	}
}
