package folder

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"

	"groupd/groups"
)

// An outsider, a removed member and a disabled feature all see exactly
// what a missing group shows.
func TestNoAccessLooksLikeMissing(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	e.put("bob", "/dav/files/team/f", "secret")
	e.put("bob", "/dav/files/hidden/f", "secret")
	missing := func(user, path string) {
		t.Helper()
		for _, m := range []string{"GET", "PROPFIND", "DELETE", "PROPPATCH", "LOCK"} {
			body := ""
			if m == "LOCK" {
				body = lockBody("exclusive")
			}
			code, b, _ := e.do(user, m, path, strings.NewReader(body), hdr{"Depth": "0"})
			wc, wb, _ := e.do(user, m, "/dav/files/nosuchgroup/f", strings.NewReader(body), hdr{"Depth": "0"})
			if code != http.StatusNotFound || code != wc || b != wb {
				t.Fatalf("%s %s as %s: %d %q; missing group: %d %q", m, path, user, code, b, wc, wb)
			}
		}
		code, b, _ := e.do(user, "PUT", path, strings.NewReader("overwrite"), nil)
		wc, wb, _ := e.do(user, "PUT", "/dav/files/nosuchgroup/f", strings.NewReader("overwrite"), nil)
		if code != wc || b != wb || code < 400 {
			t.Fatalf("PUT %s as %s: %d %q; missing group: %d %q", path, user, code, b, wc, wb)
		}
	}
	missing("carol", "/dav/files/team/f")
	missing("carol", "/dav/files/hidden/f")

	ctx := context.Background()
	alice := groups.Actor{Email: "alice@example.test"}
	if err := e.store.RemoveMember(ctx, alice, "team", "bob@example.test"); err != nil {
		t.Fatal(err)
	}
	missing("bob", "/dav/files/team/f")
	b := e.want(207, "bob", "PROPFIND", "/dav/files/", propfindAll, hdr{"Depth": "1"})
	mustNotContain(t, b, "/dav/files/team/")

	off := false
	if _, err := e.store.UpdateGroup(ctx, alice, "hidden", groups.GroupSpec{Features: &groups.FeatureSpec{Folder: &off}}); err != nil {
		t.Fatal(err)
	}
	missing("bob", "/dav/files/hidden/f")
	missing("alice", "/dav/files/hidden/f")
	b = e.want(207, "alice", "PROPFIND", "/dav/files/", propfindAll, hdr{"Depth": "1"})
	mustNotContain(t, b, "/dav/files/hidden/")
	if got := e.get("alice", "/dav/files/team/f"); got != "secret" {
		t.Fatalf("the master lost the file: %q", got)
	}
}

// raw sends a request line as is, past net/http's client cleaning.
func raw(t *testing.T, e *env, method, target string, extra string) int {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(e.srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "%s %s HTTP/1.1\r\nHost: x\r\nAuthorization: Basic %s\r\nContent-Length: 0\r\nDepth: 0\r\n%s\r\n",
		method, target, "Ym9iQGV4YW1wbGUudGVzdDpwYXNzd29yZDE=", extra)
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestTraversalRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	e.put("bob", "/dav/files/team/f", "x")
	long := strings.Repeat("a", 256)
	for _, c := range []struct {
		method, target, extra string
		want                  int
	}{
		{"GET", "/dav/files/team/../hidden/f", "", 400},
		{"GET", "/dav/files/team/%2e%2e/hidden/f", "", 400},
		{"GET", "/dav/files/../../etc/passwd", "", 400},
		{"GET", "/dav/files/team%2ff", "", 400},
		{"GET", "/dav/files/team/f%00.txt", "", 400},
		{"PUT", "/dav/files/team/a%0Ab", "", 400},
		{"PUT", "/dav/files/team/" + long, "", 414},
		{"MKCOL", "/dav/files/team/./x", "", 400},
		{"GET", "/etc/passwd", "", 404},
		{"GET", "/dav/filesx/team/f", "", 404},
		{"COPY", "/dav/files/team/f", "Destination: /dav/files/team/../../x\r\n", 400},
		{"COPY", "/dav/files/team/f", "Destination: /dav/files/team/a%2fb\r\n", 400},
		{"COPY", "/dav/files/team/f", "Destination: /elsewhere/x\r\n", 403},
		{"MOVE", "/dav/files/team/f", "Destination: http://evil.example/dav/files/team/g\r\n", 502},
	} {
		if got := raw(t, e, c.method, c.target, c.extra); got != c.want {
			t.Errorf("%s %s %q: got %d, want %d", c.method, c.target, c.extra, got, c.want)
		}
	}
	e.put("bob", "/dav/files/team/"+strings.Repeat("b", 255), "longest name")
	e.want(http.StatusForbidden, "bob", "MKCOL", "/dav/files/newgroup/", "", nil)
	if got := e.get("bob", "/dav/files/team/f"); got != "x" {
		t.Fatalf("file changed: %q", got)
	}
}
