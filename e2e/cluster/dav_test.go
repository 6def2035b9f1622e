package cluster

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// dav sends a WebDAV/CalDAV request to n as user and returns the status
// and body.
func dav(t *testing.T, n *node, user, method, path, body string, hdr map[string]string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, "http://"+n.Addr("http")+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(user, "password1")
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

const lockInfo = `<?xml version="1.0" encoding="utf-8"?><D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope>` +
	`<D:locktype><D:write/></D:locktype><D:owner><D:href>mailto:alice@example.test</D:href></D:owner></D:lockinfo>`

// TestClusterLockAcrossNodes: a LOCK taken on node A makes a PUT on node
// B answer 423 Locked. (The file's bytes across nodes are
// TestClusterBigFile's: the blobs are in PostgreSQL, not in a node's
// data_dir.)
func TestClusterLockAcrossNodes(t *testing.T) {
	c := startCluster(t, startRelay(t, 0))
	smallTeam(t, c)
	const path = "/dav/files/team/plan.txt"
	if code, b := dav(t, c.a(), alice, "LOCK", path, lockInfo, map[string]string{"Timeout": "Second-600"}); code != 200 && code != 201 {
		t.Fatalf("LOCK on node A: %d %s", code, b)
	}
	if code, b := dav(t, c.b(), bob, "PUT", path, "bob's", nil); code != 423 {
		t.Fatalf("PUT on node B of a file locked on node A: %d %s, want 423", code, b)
	}
}

var syncTokenRE = regexp.MustCompile(`<d:sync-token>([^<]*)</d:sync-token>`)

// syncCollection runs sync-collection (RFC 6578) on n from token and
// returns the new token and the body.
func syncCollection(t *testing.T, n *node, coll, token string) (string, string) {
	t.Helper()
	code, body := dav(t, n, bob, "REPORT", coll, `<?xml version="1.0"?><d:sync-collection xmlns:d="DAV:">`+
		`<d:sync-token>`+token+`</d:sync-token><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>`,
		map[string]string{"Content-Type": "application/xml"})
	m := syncTokenRE.FindStringSubmatch(body)
	if code != 207 || m == nil {
		t.Fatalf("sync-collection on node %s: %d %s", n.name, code, body)
	}
	return m[1], body
}

// TestClusterCalDAVSync: an event PUT on node A is reported by
// sync-collection on node B.
func TestClusterCalDAVSync(t *testing.T) {
	c := startCluster(t, startRelay(t, 0))
	smallTeam(t, c)
	const coll = "/dav/calendars/team/events/"
	token, _ := syncCollection(t, c.b(), coll, "")
	ics := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//cluster//EN\r\nBEGIN:VEVENT\r\nUID:cluster-1\r\n" +
		"DTSTAMP:20260101T000000Z\r\nDTSTART:20260110T100000Z\r\nDTEND:20260110T110000Z\r\nSUMMARY:Across\r\n" +
		"END:VEVENT\r\nEND:VCALENDAR\r\n"
	if code, b := dav(t, c.a(), alice, "PUT", coll+"cluster-1.ics", ics, map[string]string{"Content-Type": "text/calendar"}); code != 201 {
		t.Fatalf("PUT on node A: %d %s", code, b)
	}
	next, body := syncCollection(t, c.b(), coll, token)
	if next == token || !strings.Contains(body, coll+"cluster-1.ics") {
		t.Fatalf("sync-collection on node B after node A's PUT (token %s -> %s):\n%s", token, next, body)
	}
}
