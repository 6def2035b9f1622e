package caldav

import (
	"context"
	"strings"
	"testing"
)

// TestFeatureOffLooksMissing: once alice (the master) turns the team's
// event or task feature off over the API, its collection looks to bob, a
// member, exactly like a collection that never existed: PROPFIND Depth 0
// and GET of its URL answer with the same status and body as those of a
// made-up collection name in the same group and of the same collection in
// a group that never existed, and the calendar home's Depth 1 listing
// (and go-webdav's discovery) no longer has it, while the other
// collection stays. (While on, GET of the collection is 405.)
func TestFeatureOffLooksMissing(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ feature, coll, other, seg string }{
		{"event", events, tasks, "events"},
		{"task", tasks, events, "tasks"},
	} {
		t.Run(tc.feature, func(t *testing.T) {
			t.Parallel()
			e := start(t)
			obj := ics(event("e1", "DTSTART:20260101T100000Z", "SUMMARY:Secret plan"))
			if tc.feature == "task" {
				obj = ics(todo("t1", "SUMMARY:Secret plan"))
			}
			if code, _, b := e.put("bob", tc.coll+"a.ics", obj, nil); code != 201 {
				t.Fatalf("setup: %d %s", code, b)
			}
			code, home, _ := e.do("bob", "PROPFIND", "/dav/calendars/", "", hdr{"Depth": "1"})
			if code != 207 || !strings.Contains(home, "<d:href>"+tc.coll+"</d:href>") {
				t.Fatalf("home before: %d %s", code, home)
			}
			// While on, the collection is there: a collection has no GET.
			if code, b, _ := e.do("bob", "GET", tc.coll, "", nil); code != 405 {
				t.Fatalf("GET %s with %s on: %d %s", tc.coll, tc.feature, code, b)
			}
			if code, b := e.d.API(t, "PATCH", "/api/v1/groups/team", "alice@example.test",
				map[string]any{"features": map[string]bool{tc.feature: false}}); code != 200 {
				t.Fatalf("turn %s off: %d %s", tc.feature, code, b)
			}

			missing := []string{"/dav/calendars/team/nosuch/", "/dav/calendars/nosuch/" + tc.seg + "/"}
			for _, m := range []struct{ method, depth string }{{"PROPFIND", "0"}, {"GET", ""}} {
				h := hdr{}
				if m.depth != "" {
					h["Depth"] = m.depth
				}
				code, body, _ := e.do("bob", m.method, tc.coll, "", h)
				if code != 404 || strings.Contains(body, "Secret") {
					t.Errorf("%s %s with %s off: %d %.300s", m.method, tc.coll, tc.feature, code, body)
				}
				for _, p := range missing {
					wcode, wbody, _ := e.do("bob", m.method, p, "", h)
					if code != wcode || body != wbody {
						t.Errorf("%s %s with %s off: %d %q; %s: %d %q", m.method, tc.coll, tc.feature, code, body, p, wcode, wbody)
					}
				}
			}

			code, home, _ = e.do("bob", "PROPFIND", "/dav/calendars/", "", hdr{"Depth": "1"})
			if code != 207 || strings.Contains(home, tc.coll) || !strings.Contains(home, "<d:href>"+tc.other+"</d:href>") {
				t.Errorf("home with %s off: %d %s", tc.feature, code, home)
			}
			cals, err := e.client("bob").FindCalendars(context.Background(), "/dav/calendars/")
			if err != nil || len(cals) != 1 || cals[0].Path != tc.other {
				t.Errorf("discovery with %s off: %+v %v", tc.feature, cals, err)
			}
		})
	}
}
