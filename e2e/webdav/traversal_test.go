package webdav

import (
	"bufio"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
)

// raw sends a request line and headers as given, past the cleaning that
// net/http's client does, as bob; it returns the status and body.
func (e *env) raw(method, target, extra string) (int, string) {
	e.t.Helper()
	c, err := net.Dial("tcp", e.d.Addr("http").String())
	if err != nil {
		e.t.Fatal(err)
	}
	defer c.Close()
	auth := base64.StdEncoding.EncodeToString([]byte("bob@example.test:" + pw))
	fmt.Fprintf(c, "%s %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Basic %s\r\nContent-Length: 0\r\nConnection: close\r\n%s\r\n",
		method, target, e.d.Addr("http"), auth, extra)
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestTraversalRefused: paths that climb out of a group folder, hide a
// slash or a NUL, or a Destination of COPY or MOVE that points outside the
// group folders or into a group bob does not belong to, are refused with
// a 4xx, and nothing changes anywhere. A Destination in a group that is
// not bob's answers exactly as one in a group that does not exist.
func TestTraversalRefused(t *testing.T) {
	e := start(t, nil)
	e.d.Users(t, "dave@example.test")
	e.d.Group(t, "other", "Other", "dave@example.test", nil, map[string]any{"public": false})
	e.put("bob", "/dav/files/team/f", "team's file")
	self := "http://" + e.d.Addr("http").String()
	for _, c := range []struct {
		method, target, extra string
		want                  int
	}{
		{"GET", "/dav/files/team/../hidden/f", "", 400},
		{"GET", "/dav/files/team/%2e%2e/hidden/f", "", 400},
		{"GET", "/dav/files/team/%2E%2E/%2E%2E/groupd.db", "", 400},
		{"GET", "/dav/files/../../etc/passwd", "", 400},
		{"GET", "/dav/files/team%2f..%2fhidden/f", "", 400},
		{"GET", "/dav/files/team/..%2f..%2fgroupd.db", "", 400},
		{"GET", "/dav/files/team/..%5c..%5cgroupd.db", "", 400},
		{"GET", "/dav/files/team/f%00.txt", "", 400},
		{"PUT", "/dav/files/team/a%0Ab", "", 400},
		{"PUT", "/dav/files/team/" + strings.Repeat("a", 256), "", 414},
		{"COPY", "/dav/files/team/f", "Destination: /dav/files/team/../../x\r\n", 400},
		{"COPY", "/dav/files/team/f", "Destination: /dav/files/team/%2e%2e/%2e%2e/x\r\n", 400},
		{"COPY", "/dav/files/team/f", "Destination: /dav/files/team/a%2f..%2f..%2fb\r\n", 400},
		{"COPY", "/dav/files/team/f", "Destination: /etc/passwd\r\n", 403},
		{"COPY", "/dav/files/team/f", "Destination: /api/v1/groups\r\n", 403},
		{"MOVE", "/dav/files/team/f", "Destination: " + self + "/dav/calendars/team/events/x.ics\r\n", 403},
		{"MOVE", "/dav/files/team/f", "Destination: http://evil.example/dav/files/team/g\r\n", 502},
		{"MOVE", "/dav/files/team/f", "Destination: " + self + "/dav/files/other/f\r\n", 409},
		{"COPY", "/dav/files/team/f", "Destination: /dav/files/other/\r\n", 409},
		{"COPY", "/dav/files/team/f", "Destination: /dav/files/nosuch/f\r\n", 409},
		{"COPY", "/dav/files/team/f", "Destination: /dav/files/\r\n", 403},
		{"COPY", "/dav/files/team/f", "Destination: /dav/files/hidden\r\n", 403},
	} {
		got, body := e.raw(c.method, c.target, c.extra)
		if got != c.want {
			t.Errorf("%s %s %q: got %d, want %d: %s", c.method, c.target, strings.TrimSpace(c.extra), got, c.want, body)
		}
	}
	_, inOther := e.raw("COPY", "/dav/files/team/f", "Destination: /dav/files/other/f\r\n")
	_, inMissing := e.raw("COPY", "/dav/files/team/f", "Destination: /dav/files/nosuch/f\r\n")
	if inOther != inMissing {
		t.Errorf("a destination in another's group: %q; in a missing group: %q", inOther, inMissing)
	}
	if got := e.get("bob", "/dav/files/team/f"); got != "team's file" {
		t.Fatalf("the file changed: %q", got)
	}
	b := e.want(207, "dave", "PROPFIND", "/dav/files/other/", propfindAll, hdr{"Depth": "1"})
	if n := strings.Count(b, "<D:response>"); n != 1 {
		t.Fatalf("the other group's folder holds %d entries:\n%s", n-1, b)
	}
}
