package calendar

import (
	"testing"

	_ "github.com/mattn/go-sqlite3"

	"groupd/internal/testkit"
)

// Issue 16 item 4: a group whose name holds U+FFFE (stored before names
// were checked; the store refuses it now) made the Depth 1 PROPFIND of
// /dav/calendars/ not well-formed, and CalDAV discovery failed for every
// calendar of its members. The writer puts U+FFFD in its place.
func TestCalendarHomeWellFormedWithUncarriableName(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	db := e.db.SQL(t)
	if _, err := db.Exec(e.db.Q(`UPDATE groups SET name = ? WHERE id = 'team'`), "The\uFFFETeam\x01"); err != nil {
		t.Fatal(err)
	}
	code, b, _ := e.do("bob", "PROPFIND", "/dav/calendars/", `<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:allprop/></d:propfind>`, hdr{"Depth": "1"})
	if code != 207 {
		t.Fatalf("PROPFIND: %d %s", code, b)
	}
	if err := testkit.WellFormedXML([]byte(b)); err != nil {
		t.Fatalf("not well-formed: %v\n%s", err, b)
	}
	if _, err := e.client("bob").FindCalendars(t.Context(), "/dav/calendars/"); err != nil {
		t.Fatalf("discovery: %v", err)
	}
}
