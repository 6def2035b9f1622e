package webdav

import (
	"net/http"
	"strings"
	"testing"
)

// TestOutsiderSeesNothing: carol belongs to no group. /dav/files/ lists no
// folder for her, and every method on the public group's folder, the
// private group's folder and a file in either answers exactly as a group
// that does not exist does (status and body). A removed member and a
// folder feature turned off look the same.
func TestOutsiderSeesNothing(t *testing.T) {
	e := start(t, nil)
	e.put("bob", "/dav/files/team/f", "team's secret")
	e.put("bob", "/dav/files/hidden/f", "hidden's secret")

	b := e.want(207, "carol", "PROPFIND", "/dav/files/", propfindAll, hdr{"Depth": "1"})
	mustNotContain(t, b, "/dav/files/team", "/dav/files/hidden")
	b = e.want(207, "bob", "PROPFIND", "/dav/files/", propfindAll, hdr{"Depth": "1"})
	mustContain(t, b, "/dav/files/team/", "/dav/files/hidden/")

	for _, path := range []string{"/dav/files/team/", "/dav/files/team/f", "/dav/files/hidden/", "/dav/files/hidden/f"} {
		missing := strings.Replace(strings.Replace(path, "team", "nosuch", 1), "hidden", "nosuch", 1)
		for _, m := range []struct{ method, body string }{
			{"GET", ""}, {"HEAD", ""}, {"PROPFIND", propfindAll}, {"DELETE", ""}, {"MKCOL", ""},
			{"PROPPATCH", `<?xml version="1.0"?><D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><x xmlns="urn:x">1</x></D:prop></D:set></D:propertyupdate>`},
			{"LOCK", lockBody("exclusive")}, {"PUT", "carol's"}, {"COPY", ""}, {"MOVE", ""},
		} {
			h := hdr{"Destination": "/dav/files/elsewhere/x"}
			if m.method == "PROPFIND" || m.method == "LOCK" {
				h["Depth"] = "0"
			}
			code, body, _ := e.do("carol", m.method, path, strings.NewReader(m.body), h)
			wcode, wbody, _ := e.do("carol", m.method, missing, strings.NewReader(m.body), h)
			if code != wcode || body != wbody || code < 400 {
				t.Errorf("%s %s as carol: %d %q; a missing group: %d %q", m.method, path, code, body, wcode, wbody)
			}
		}
	}
	// Her attempts changed nothing.
	if got := e.get("bob", "/dav/files/team/f"); got != "team's secret" {
		t.Fatalf("team/f holds %q", got)
	}
	if got := e.get("bob", "/dav/files/hidden/f"); got != "hidden's secret" {
		t.Fatalf("hidden/f holds %q", got)
	}
	// A member removed through the API loses access at once.
	if c, b := e.d.API(t, "DELETE", "/api/v1/groups/hidden/members/bob@example.test", "alice@example.test", nil); c/100 != 2 {
		t.Fatalf("remove bob: %d %s", c, b)
	}
	code, _, _ := e.do("bob", "GET", "/dav/files/hidden/f", nil, nil)
	if code != http.StatusNotFound {
		t.Fatalf("a removed member reads the private folder: %d", code)
	}
	b = e.want(207, "bob", "PROPFIND", "/dav/files/", propfindAll, hdr{"Depth": "1"})
	mustNotContain(t, b, "/dav/files/hidden")

	// The master turns the folder feature off: the folder is gone for
	// members too, and its files come back when it is turned on again.
	folder := func(on bool) {
		t.Helper()
		if c, b := e.d.API(t, "PATCH", "/api/v1/groups/team", "alice@example.test",
			map[string]any{"features": map[string]bool{"folder": on}}); c != http.StatusOK {
			t.Fatalf("PATCH features.folder=%v: %d %s", on, c, b)
		}
	}
	folder(false)
	code, body, _ := e.do("bob", "GET", "/dav/files/team/f", nil, nil)
	wcode, wbody, _ := e.do("bob", "GET", "/dav/files/nosuch/f", nil, nil)
	if code != wcode || body != wbody {
		t.Fatalf("folder off: %d %q; a missing group: %d %q", code, body, wcode, wbody)
	}
	b = e.want(207, "alice", "PROPFIND", "/dav/files/", propfindAll, hdr{"Depth": "1"})
	mustNotContain(t, b, "/dav/files/team")
	folder(true)
	if got := e.get("bob", "/dav/files/team/f"); got != "team's secret" {
		t.Fatalf("team/f after the feature came back: %q", got)
	}
}
