package folder

import (
	"net/http"
	"strings"
	"testing"
)

func TestRootListsMyFolderGroups(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	b := e.want(207, "bob", "PROPFIND", "/dav/files/", propfindAll, hdr{"Depth": "1"})
	mustContain(t, b, "<D:href>/dav/files/</D:href>", "<D:href>/dav/files/team/</D:href>", "<D:href>/dav/files/hidden/</D:href>")
	b = e.want(207, "carol", "PROPFIND", "/dav/files/", propfindAll, hdr{"Depth": "1"})
	mustNotContain(t, b, "/dav/files/team/", "/dav/files/hidden/")
	b = e.want(207, "bob", "PROPFIND", "/dav/files/", propfindAll, hdr{"Depth": "0"})
	mustNotContain(t, b, "/dav/files/team/")
}

func TestPropfindInfinityRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	for _, d := range []string{"infinity", ""} {
		h := hdr{}
		if d != "" {
			h["Depth"] = d
		}
		b := e.want(http.StatusForbidden, "bob", "PROPFIND", "/dav/files/team/", propfindAll, h)
		mustContain(t, b, "propfind-finite-depth")
	}
}

func TestOptionsAdvertisesClass2(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	for _, user := range []string{"", "bob"} {
		code, _, h := e.do(user, "OPTIONS", "/dav/files/team/", nil, nil)
		if code != http.StatusOK || h.Get("DAV") != "1, 2" || h.Get("MS-Author-Via") != "DAV" {
			t.Fatalf("OPTIONS as %q: %d DAV=%q MS-Author-Via=%q", user, code, h.Get("DAV"), h.Get("MS-Author-Via"))
		}
	}
}

func TestPutGetRangeHead(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	e.want(http.StatusCreated, "bob", "PUT", "/dav/files/team/a.txt", "hello, world", nil)
	if got := e.get("alice", "/dav/files/team/a.txt"); got != "hello, world" {
		t.Fatalf("GET: %q", got)
	}
	b := e.want(http.StatusPartialContent, "bob", "GET", "/dav/files/team/a.txt", "", hdr{"Range": "bytes=7-"})
	if b != "world" {
		t.Fatalf("Range: %q", b)
	}
	code, body, h := e.do("bob", "HEAD", "/dav/files/team/a.txt", nil, nil)
	if code != 200 || body != "" || h.Get("Content-Length") != "12" || h.Get("ETag") == "" || h.Get("Content-Type") != "text/plain; charset=utf-8" {
		t.Fatalf("HEAD: %d %q %v", code, body, h)
	}
	etag := h.Get("ETag")
	e.want(http.StatusNotModified, "bob", "GET", "/dav/files/team/a.txt", "", hdr{"If-None-Match": etag})
	e.want(http.StatusNoContent, "bob", "PUT", "/dav/files/team/a.txt", "second version", nil)
	_, _, h = e.do("bob", "HEAD", "/dav/files/team/a.txt", nil, nil)
	if h.Get("ETag") == etag {
		t.Fatal("the ETag did not change with the content")
	}
	e.want(http.StatusPreconditionFailed, "bob", "PUT", "/dav/files/team/a.txt", "x", hdr{"If-Match": etag})
	e.want(http.StatusPreconditionFailed, "bob", "PUT", "/dav/files/team/a.txt", "x", hdr{"If-None-Match": "*"})
	if got := e.get("bob", "/dav/files/team/a.txt"); got != "second version" {
		t.Fatalf("after refused PUTs: %q", got)
	}
	e.put("bob", "/dav/files/team/empty", "")
	if got := e.get("bob", "/dav/files/team/empty"); got != "" {
		t.Fatalf("empty file: %q", got)
	}
}

func TestPropfindLiveProperties(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	e.put("bob", "/dav/files/team/doc.pdf", "%PDF-1.4")
	b := e.want(207, "bob", "PROPFIND", "/dav/files/team/", propfindAll, hdr{"Depth": "1"})
	mustContain(t, b, "<D:href>/dav/files/team/doc.pdf</D:href>", "<D:getcontentlength>8</D:getcontentlength>",
		"<D:getcontenttype>application/pdf</D:getcontenttype>", "<D:getlastmodified>", "<D:creationdate>",
		"<D:getetag>", "<D:supportedlock>", "<D:lockdiscovery>")
}

func TestMkcolCopyMoveDelete(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	e.want(http.StatusCreated, "bob", "MKCOL", "/dav/files/team/d/", "", nil)
	e.want(http.StatusMethodNotAllowed, "bob", "MKCOL", "/dav/files/team/d/", "", nil)
	e.want(http.StatusConflict, "bob", "MKCOL", "/dav/files/team/no/such/", "", nil)
	e.want(http.StatusConflict, "bob", "PUT", "/dav/files/team/no/such", "x", nil)
	e.put("bob", "/dav/files/team/d/f", "one")
	e.want(http.StatusCreated, "bob", "COPY", "/dav/files/team/d/", "", hdr{"Destination": e.srv.URL + "/dav/files/team/e/"})
	if got := e.get("bob", "/dav/files/team/e/f"); got != "one" {
		t.Fatalf("copied: %q", got)
	}
	e.put("bob", "/dav/files/team/g", "two")
	e.want(http.StatusPreconditionFailed, "bob", "MOVE", "/dav/files/team/g", "", hdr{"Destination": "/dav/files/team/e/f", "Overwrite": "F"})
	e.want(http.StatusNoContent, "bob", "MOVE", "/dav/files/team/g", "", hdr{"Destination": "/dav/files/team/e/f"})
	if got := e.get("bob", "/dav/files/team/e/f"); got != "two" {
		t.Fatalf("moved over: %q", got)
	}
	e.want(http.StatusNotFound, "bob", "GET", "/dav/files/team/g", "", nil)
	if got := e.get("bob", "/dav/files/team/d/f"); got != "one" {
		t.Fatalf("copy source changed: %q", got)
	}
	// Across groups: both are bob's.
	e.want(http.StatusCreated, "bob", "MOVE", "/dav/files/team/d/", "", hdr{"Destination": "/dav/files/hidden/d/"})
	if got := e.get("alice", "/dav/files/hidden/d/f"); got != "one" {
		t.Fatalf("moved across groups: %q", got)
	}
	// Into itself: refused, nothing lost.
	e.want(http.StatusForbidden, "bob", "COPY", "/dav/files/team/e/", "", hdr{"Destination": "/dav/files/team/e/sub/"})
	e.want(http.StatusForbidden, "bob", "MOVE", "/dav/files/team/e/", "", hdr{"Destination": "/dav/files/team/e/f/x"})
	e.want(http.StatusForbidden, "bob", "MOVE", "/dav/files/team/e/", "", hdr{"Destination": "/dav/files/team/e"})
	e.want(http.StatusForbidden, "bob", "MOVE", "/dav/files/team/e/f", "", hdr{"Destination": "/dav/files/team/e/"})
	e.want(http.StatusForbidden, "bob", "COPY", "/dav/files/team/e/f", "", hdr{"Destination": "/dav/files/team/"})
	if got := e.get("bob", "/dav/files/team/e/f"); got != "two" {
		t.Fatalf("after refused moves: %q", got)
	}
	e.want(http.StatusConflict, "bob", "PUT", "/dav/files/team/e/f/under-a-file", "x", nil)
	e.want(http.StatusUnsupportedMediaType, "bob", "MKCOL", "/dav/files/team/m/", "<x/>", nil)
	e.want(http.StatusNoContent, "bob", "DELETE", "/dav/files/team/e/", "", nil)
	e.want(http.StatusNotFound, "bob", "GET", "/dav/files/team/e/f", "", nil)
	e.want(http.StatusNotFound, "bob", "DELETE", "/dav/files/team/e/", "", nil)
}

func TestProppatchDeadPropertiesKept(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	e.put("bob", "/dav/files/team/p", "x")
	e.want(207, "bob", "PROPPATCH", "/dav/files/team/p", `<?xml version="1.0"?>
<D:propertyupdate xmlns:D="DAV:" xmlns:Z="urn:example"><D:set><D:prop><Z:colour>blue &amp; green</Z:colour></D:prop></D:set></D:propertyupdate>`, nil)
	e.put("bob", "/dav/files/team/p", "new version keeps its properties")
	e.want(http.StatusCreated, "bob", "MOVE", "/dav/files/team/p", "", hdr{"Destination": "/dav/files/team/q"})
	e.reopen()
	b := e.want(207, "alice", "PROPFIND", "/dav/files/team/q", `<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop><Z:colour xmlns:Z="urn:example"/></D:prop></D:propfind>`, hdr{"Depth": "0"})
	mustContain(t, b, "blue &amp; green", "200 OK")
	b = e.want(207, "bob", "PROPPATCH", "/dav/files/team/q", `<?xml version="1.0"?>
<D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><D:quota-used-bytes>1</D:quota-used-bytes></D:prop></D:set></D:propertyupdate>`, nil)
	mustContain(t, b, "403", "cannot-modify-protected-property")
}

func TestUnauthenticated(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	code, _, h := e.do("", "PROPFIND", "/dav/files/", strings.NewReader(propfindAll), hdr{"Depth": "1"})
	if code != http.StatusUnauthorized || !strings.HasPrefix(h.Get("WWW-Authenticate"), "Basic ") {
		t.Fatalf("no credentials: %d %q", code, h.Get("WWW-Authenticate"))
	}
	req, _ := http.NewRequest("GET", e.srv.URL+"/dav/files/team/x", nil)
	req.SetBasicAuth("bob@example.test", "wrong password")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong password: %d", resp.StatusCode)
	}
}

// allprop lists what a resource has; named properties it lacks come back
// 404.
func TestPropfindAllpropAndNamed(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	e.want(http.StatusCreated, "bob", "MKCOL", "/dav/files/team/d/", "", nil)
	b := e.want(207, "bob", "PROPFIND", "/dav/files/team/d/", propfindAll, hdr{"Depth": "0"})
	mustNotContain(t, b, "404", "getcontentlength")
	b = e.want(207, "bob", "PROPFIND", "/dav/files/team/d/", `<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop><D:getcontentlength/><D:displayname/><X:y xmlns:X="urn:x"/></D:prop></D:propfind>`, hdr{"Depth": "0"})
	mustContain(t, b, "<D:displayname>d</D:displayname>", "404 Not Found", `<y xmlns="urn:x"/>`, "<D:getcontentlength/>")
}

// propname (left to x/net/webdav) lists the names, dead ones included.
func TestPropfindPropname(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	e.put("bob", "/dav/files/team/f", "x")
	e.want(207, "bob", "PROPPATCH", "/dav/files/team/f", `<?xml version="1.0"?>
<D:propertyupdate xmlns:D="DAV:" xmlns:Z="urn:example"><D:set><D:prop><Z:tag>v</Z:tag></D:prop></D:set></D:propertyupdate>`, nil)
	b := e.want(207, "bob", "PROPFIND", "/dav/files/team/", `<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:propname/></D:propfind>`, hdr{"Depth": "1"})
	mustContain(t, b, "/dav/files/team/f", "getetag", "tag", "urn:example")
	mustNotContain(t, b, ">v<")
}
