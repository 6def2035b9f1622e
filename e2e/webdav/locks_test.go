package webdav

import (
	"net/http"
	"testing"
)

// TestLocksSurviveRestart: a lock taken before the daemon stops still
// guards the resource after a new daemon starts on the same data_dir: a
// write without its token is refused (423), lockdiscovery shows it, the
// holder writes with it and unlocks, and after another restart the
// resource is free.
func TestLocksSurviveRestart(t *testing.T) {
	e := start(t, nil)
	e.want(http.StatusCreated, "bob", "MKCOL", "/dav/files/team/dir/", "", nil)
	e.put("bob", "/dav/files/team/dir/doc.odt", "v1")
	e.put("bob", "/dav/files/team/doc.odt", "v1")
	tok := e.lock("bob", "/dav/files/team/doc.odt", "exclusive", "0")
	dirTok := e.lock("bob", "/dav/files/team/dir/", "exclusive", "infinity")
	e.restart()

	e.want(http.StatusLocked, "alice", "PUT", "/dav/files/team/doc.odt", "alice", nil)
	e.want(http.StatusLocked, "alice", "PUT", "/dav/files/team/dir/doc.odt", "alice", nil)
	e.want(http.StatusLocked, "alice", "DELETE", "/dav/files/team/dir/", "", nil)
	e.want(http.StatusLocked, "bob", "PUT", "/dav/files/team/doc.odt", "no token", nil)
	b := e.want(207, "alice", "PROPFIND", "/dav/files/team/doc.odt", propfindAll, hdr{"Depth": "0"})
	mustContain(t, b, "<D:activelock", tok, "<D:exclusive/>")
	b = e.want(207, "alice", "PROPFIND", "/dav/files/team/dir/doc.odt", propfindAll, hdr{"Depth": "0"})
	mustContain(t, b, dirTok, "<D:depth>infinity</D:depth>")

	e.want(http.StatusNoContent, "bob", "PUT", "/dav/files/team/doc.odt", "v2", hdr{"If": "(<" + tok + ">)"})
	e.want(http.StatusNoContent, "bob", "PUT", "/dav/files/team/dir/doc.odt", "v2", hdr{"If": "(<" + dirTok + ">)"})
	e.want(http.StatusNoContent, "bob", "UNLOCK", "/dav/files/team/doc.odt", "", hdr{"Lock-Token": "<" + tok + ">"})
	e.restart()
	e.put("alice", "/dav/files/team/doc.odt", "alice")
	e.want(http.StatusLocked, "alice", "PUT", "/dav/files/team/dir/doc.odt", "alice", nil)
	if got := e.get("alice", "/dav/files/team/dir/doc.odt"); got != "v2" {
		t.Fatalf("dir/doc.odt holds %q", got)
	}
}
