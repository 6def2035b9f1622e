package caldav

import (
	"strings"
	"testing"
)

// TestDeleteIfNoneMatch (RFC 9110 §13.1.2, RFC 7232 §3.2): a DELETE whose
// If-None-Match names the object's current ETag (strong or weak form) or
// is "*" fails with 412 and the object stays, unchanged; with another
// ETag the DELETE goes ahead (204) and the object is gone; on a missing
// object "*" does not stop the DELETE from answering 404.
func TestDeleteIfNoneMatch(t *testing.T) {
	t.Parallel()
	e := start(t)
	const p = events + "standup.ics"
	code, etag, b := e.put("bob", p, ics(event("standup-1", "DTSTART:20260310T090000Z", "SUMMARY:Standup")), nil)
	if code != 201 || etag == "" {
		t.Fatalf("create: %d %q %s", code, etag, b)
	}
	for _, inm := range []string{etag, "W/" + etag, "*", `"other", ` + etag} {
		if code, body, _ := e.do("alice", "DELETE", p, "", hdr{"If-None-Match": inm}); code != 412 {
			t.Errorf("DELETE with If-None-Match %s: %d %s", inm, code, body)
		}
		code, body, h := e.do("alice", "GET", p, "", nil)
		if code != 200 || h.Get("ETag") != etag || !strings.Contains(body, "SUMMARY:Standup") {
			t.Fatalf("after DELETE with If-None-Match %s: GET %d %q %s", inm, code, h.Get("ETag"), body)
		}
	}
	if n := e.count("bob", events); n != 1 {
		t.Fatalf("events holds %d objects after the refused DELETEs", n)
	}
	if code, body, _ := e.do("alice", "DELETE", p, "", hdr{"If-None-Match": `"other"`}); code != 204 {
		t.Fatalf(`DELETE with If-None-Match "other": %d %s`, code, body)
	}
	if code, _, _ := e.do("bob", "GET", p, "", nil); code != 404 {
		t.Fatalf("GET after the DELETE: %d", code)
	}
	if n := e.count("bob", events); n != 0 {
		t.Fatalf("events holds %d objects after the DELETE", n)
	}
	if code, body, _ := e.do("alice", "DELETE", p, "", hdr{"If-None-Match": "*"}); code != 404 {
		t.Fatalf("DELETE of a missing object with If-None-Match *: %d %s", code, body)
	}
}
