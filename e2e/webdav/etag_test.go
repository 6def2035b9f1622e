package webdav

import (
	"encoding/xml"
	"net/http"
	"strings"
	"testing"
)

// etags maps the hrefs of a PROPFIND of path (with the depth) to their
// getetag.
func (e *env) etags(user, path, depth string) map[string]string {
	e.t.Helper()
	b := e.want(207, user, "PROPFIND", path,
		`<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop><D:getetag/></D:prop></D:propfind>`, hdr{"Depth": depth})
	var ms struct {
		Responses []struct {
			Href     string `xml:"DAV: href"`
			Propstat []struct {
				ETag   *string `xml:"DAV: prop>getetag"`
				Status string  `xml:"DAV: status"`
			} `xml:"DAV: propstat"`
		} `xml:"DAV: response"`
	}
	if err := xml.Unmarshal([]byte(b), &ms); err != nil {
		e.t.Fatalf("PROPFIND %s: %v\n%s", path, err, b)
	}
	out := map[string]string{}
	for _, r := range ms.Responses {
		for _, ps := range r.Propstat {
			if ps.ETag != nil && strings.Contains(ps.Status, " 200 ") {
				out[r.Href] = *ps.ETag
			}
		}
	}
	return out
}

// collETag is the getetag of the collection path (PROPFIND Depth: 0); it
// must be there and be a quoted entity-tag.
func (e *env) collETag(path string) string {
	e.t.Helper()
	tag, ok := e.etags("bob", path, "0")[path]
	if !ok || len(tag) < 3 || !strings.HasSuffix(tag, `"`) || !strings.HasPrefix(strings.TrimPrefix(tag, "W/"), `"`) {
		e.t.Fatalf("PROPFIND %s: getetag %q (found %v)", path, tag, ok)
	}
	return tag
}

// TestCollectionETag (issue 6, ETags on collections): a folder collection
// has a getetag, also before anything was written to the group's folder.
// It stays the same while nothing inside changes (reads, listings, a PUT
// refused for a missing parent) and is the same in the parent's Depth: 1
// listing; it changes when a file is added (PUT), deleted (DELETE) or
// moved out (MOVE, which changes the destination folder's too).
func TestCollectionETag(t *testing.T) {
	e := start(t, nil)
	const root, dir = "/dav/files/team/", "/dav/files/team/dir/"
	fresh := e.collETag(root)
	if again := e.collETag(root); again != fresh {
		t.Fatalf("the untouched folder's ETag changed: %s -> %s", fresh, again)
	}
	e.want(http.StatusCreated, "bob", "MKCOL", dir, "", nil)
	r1 := e.collETag(root)
	if r1 == fresh {
		t.Fatalf("MKCOL of dir/ left the group folder's ETag at %s", r1)
	}

	d1 := e.collETag(dir)
	e.want(207, "alice", "PROPFIND", dir, propfindAll, hdr{"Depth": "1"})
	e.want(http.StatusConflict, "bob", "PUT", dir+"missing/a.txt", "x", nil)
	if d := e.collETag(dir); d != d1 {
		t.Fatalf("dir/'s ETag changed with nothing added: %s -> %s", d1, d)
	}
	if got := e.etags("alice", root, "1")[dir]; got != d1 {
		t.Fatalf("the Depth: 1 listing of the group folder gives dir/ the ETag %q, Depth: 0 %s", got, d1)
	}

	e.want(http.StatusCreated, "bob", "PUT", dir+"a.txt", "a", nil)
	d2 := e.collETag(dir)
	if d2 == d1 {
		t.Fatalf("a PUT of a new file left dir/'s ETag at %s", d2)
	}
	e.get("alice", dir+"a.txt")
	if d := e.collETag(dir); d != d2 {
		t.Fatalf("dir/'s ETag changed with a GET inside: %s -> %s", d2, d)
	}

	e.want(http.StatusCreated, "bob", "PUT", dir+"b.txt", "b", nil)
	d3 := e.collETag(dir)
	if d3 == d2 {
		t.Fatalf("a PUT of a second new file left dir/'s ETag at %s", d3)
	}
	e.want(http.StatusNoContent, "bob", "DELETE", dir+"a.txt", "", nil)
	d4 := e.collETag(dir)
	if d4 == d3 {
		t.Fatalf("a DELETE inside left dir/'s ETag at %s", d4)
	}
	if d := e.collETag(dir); d != d4 {
		t.Fatalf("dir/'s ETag changed with nothing done: %s -> %s", d4, d)
	}

	e.want(http.StatusCreated, "bob", "MOVE", dir+"b.txt", "", hdr{"Destination": e.url(root + "b.txt")})
	if d := e.collETag(dir); d == d4 {
		t.Fatalf("a MOVE out of dir/ left its ETag at %s", d)
	}
	if r := e.collETag(root); r == r1 {
		t.Fatalf("a MOVE into the group folder left its ETag at %s", r)
	}
}
