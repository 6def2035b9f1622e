package folder

import (
	"net/http"
	"strings"
	"testing"
)

// The Windows mini-redirector and gvfs probe "/" before the folder.
func TestServerRootProbes(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	code, _, h := e.do("", "OPTIONS", "/", nil, nil)
	if code != http.StatusOK || h.Get("MS-Author-Via") != "DAV" || !strings.Contains(h.Get("DAV"), "2") {
		t.Fatalf("OPTIONS /: %d %v", code, h)
	}
	e.want(http.StatusUnauthorized, "", "PROPFIND", "/", "", hdr{"Depth": "0"})
	b := e.want(207, "bob", "PROPFIND", "/", "", hdr{"Depth": "0"})
	mustContain(t, b, "<D:collection/>")
	b = e.want(207, "bob", "PROPFIND", "/dav/", "", hdr{"Depth": "0"})
	mustContain(t, b, "<D:href>/dav/</D:href>", "<D:collection/>")
	e.want(http.StatusNotFound, "bob", "PROPFIND", "/da", "", hdr{"Depth": "0"})
	// gvfs and Windows ask for the prefix itself with Depth 0 and no body.
	b = e.want(207, "bob", "PROPFIND", "/dav/files", "", hdr{"Depth": "0"})
	mustContain(t, b, "<D:href>/dav/files/</D:href>", "<D:collection/>")
}

// Finder writes AppleDouble "._" files and .DS_Store beside what it
// copies, and reads them back: they are stored like any file.
func TestFinderFiles(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	e.put("bob", "/dav/files/team/photo.jpg", "jpeg")
	e.put("bob", "/dav/files/team/._photo.jpg", "\x00\x05\x16\x07 resource fork")
	e.put("bob", "/dav/files/team/.DS_Store", "Bud1")
	b := e.want(207, "bob", "PROPFIND", "/dav/files/team/", "", hdr{"Depth": "1"})
	mustContain(t, b, "/dav/files/team/._photo.jpg", "/dav/files/team/.DS_Store")
	if got := e.get("bob", "/dav/files/team/._photo.jpg"); !strings.HasSuffix(got, "resource fork") {
		t.Fatalf("AppleDouble file: %q", got)
	}
}
