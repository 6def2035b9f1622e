package caldav

import (
	"context"
	"strings"
	"testing"
)

// TestSyncCollection: after an initial sync, sync-collection from its
// token reports exactly the objects added, changed and deleted since
// (deletions as 404), nothing for a change in another group, and nothing
// again from the new token; a made-up token is refused with
// valid-sync-token.
func TestSyncCollection(t *testing.T) {
	t.Parallel()
	e := start(t)
	e.d.Group(t, "other", "Other", "bob@example.test", nil, nil)
	for _, n := range []string{"1", "2", "3", "4"} {
		if code, _, b := e.put("bob", events+n+".ics", ics(event("u"+n, "DTSTART:20260101T100000Z")), nil); code != 201 {
			t.Fatalf("PUT %s: %d %s", n, code, b)
		}
	}
	code, tok1, changes := e.sync("alice", events, "")
	if code != 207 || !eq(changes, "1.ics", "2.ics", "3.ics", "4.ics") {
		t.Fatalf("initial sync: %d %v", code, changes)
	}
	e.put("bob", "/dav/calendars/other/events/x.ics", ics(event("x", "DTSTART:20260101T100000Z")), nil)
	if _, tok, changes := e.sync("alice", events, tok1); len(changes) != 0 || tok != tok1 {
		t.Fatalf("after a change elsewhere: %v, token %s -> %s", changes, tok1, tok)
	}
	e.put("bob", events+"5.ics", ics(event("u5", "DTSTART:20260102T100000Z")), nil)
	e.put("alice", events+"2.ics", ics(event("u2", "DTSTART:20260103T100000Z")), nil)
	for _, n := range []string{"3", "4"} {
		if code, _, _ := e.do("bob", "DELETE", events+n+".ics", "", nil); code != 204 {
			t.Fatalf("DELETE %s: %d", n, code)
		}
	}
	e.put("bob", events+"6.ics", ics(event("u6", "DTSTART:20260104T100000Z")), nil)
	e.do("bob", "DELETE", events+"6.ics", "", nil) // added and deleted in between
	_, tok2, changes := e.sync("alice", events, tok1)
	if !eq(changes, "2.ics", "3.ics 404", "4.ics 404", "5.ics", "6.ics 404") || tok2 == tok1 {
		t.Fatalf("after adds and deletes: %v (token %s -> %s)", changes, tok1, tok2)
	}
	if _, tok3, changes := e.sync("alice", events, tok2); len(changes) != 0 || tok3 != tok2 {
		t.Fatalf("again from the new token: %v %s", changes, tok3)
	}
	// What the full listing shows agrees.
	if n := e.count("alice", events); n != 3 {
		t.Fatalf("events holds %d objects, want 1, 2, 5", n)
	}
	for _, bad := range []string{"urn:groupd:sync:99999999", "http://other.example/sync/1"} {
		if code, body, _ := e.sync("alice", events, bad); code != 403 || !strings.Contains(body, "valid-sync-token") {
			t.Errorf("token %q: %d %s", bad, code, body)
		}
	}
}

// TestOutsiderAndRemovedMember: carol, in no group, and bob once alice
// removes him over the API, find nothing of the team's calendars: not in
// discovery, and every path answers as a missing one would.
func TestOutsiderAndRemovedMember(t *testing.T) {
	t.Parallel()
	e := start(t)
	ctx := context.Background()
	e.d.Group(t, "hidden", "Hidden", "alice@example.test", []string{"bob@example.test"}, map[string]any{"public": false})
	if code, _, b := e.put("bob", events+"a.ics", ics(event("a", "DTSTART:20260101T100000Z", "SUMMARY:Secret plan")), nil); code != 201 {
		t.Fatalf("setup: %d %s", code, b)
	}
	_, tok, _ := e.sync("bob", events, "")
	sees := func(user string) {
		t.Helper()
		if cals, err := e.client(user).FindCalendars(ctx, "/dav/calendars/"); err != nil || len(cals) != 0 {
			t.Errorf("%s discovers %+v %v", user, cals, err)
		}
		_, missing, _ := e.do(user, "GET", "/dav/calendars/nosuch/events/a.ics", "", nil)
		for _, r := range []struct{ method, path, body string }{
			{"GET", events + "a.ics", ""},
			{"PROPFIND", events, ""},
			{"PROPFIND", "/dav/calendars/team/", ""},
			{"PROPFIND", "/dav/calendars/hidden/events/", ""},
			{"DELETE", events + "a.ics", ""},
			{"PUT", events + "b.ics", ics(event("b", "DTSTART:20260101T100000Z"))},
			{"REPORT", events, `<?xml version="1.0"?><d:sync-collection xmlns:d="DAV:"><d:sync-token>` + tok + `</d:sync-token><d:sync-level>1</d:sync-level><d:prop/></d:sync-collection>`},
		} {
			code, body, _ := e.do(user, r.method, r.path, r.body, hdr{"Depth": "1", "Content-Type": "text/calendar"})
			if code != 404 || strings.Contains(body, "Secret") {
				t.Errorf("%s %s %s: %d %.200s", user, r.method, r.path, code, body)
			}
			if r.method == "GET" && body != missing {
				t.Errorf("%s GET of a team event differs from a missing group's: %q vs %q", user, body, missing)
			}
		}
	}
	sees("carol")
	if code, b := e.d.API(t, "DELETE", "/api/v1/groups/team/members/bob@example.test", "alice@example.test", nil); code/100 != 2 {
		t.Fatalf("remove bob: %d %s", code, b)
	}
	e.d.API(t, "DELETE", "/api/v1/groups/hidden/members/bob@example.test", "alice@example.test", nil)
	sees("bob")
	// alice still has it all.
	if got, err := e.client("alice").GetCalendarObject(ctx, events+"a.ics"); err != nil || got == nil {
		t.Fatalf("alice: %v", err)
	}
}
