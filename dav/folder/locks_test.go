package folder

import (
	"net/http"
	"strings"
	"testing"
)

func lockBody(scope string) string {
	return `<?xml version="1.0" encoding="utf-8"?><D:lockinfo xmlns:D="DAV:"><D:lockscope><D:` + scope +
		`/></D:lockscope><D:locktype><D:write/></D:locktype><D:owner><D:href>mailto:bob@example.test</D:href></D:owner></D:lockinfo>`
}

// lock takes a lock and returns its token.
func (e *env) lock(user, path, scope, depth string) string {
	e.t.Helper()
	code, b, h := e.do(user, "LOCK", path, strings.NewReader(lockBody(scope)), hdr{"Depth": depth, "Timeout": "Second-600"})
	if code != http.StatusOK && code != http.StatusCreated {
		e.t.Fatalf("LOCK %s: %d %s", path, code, b)
	}
	tok := strings.Trim(h.Get("Lock-Token"), "<>")
	if !strings.HasPrefix(tok, "urn:uuid:") || !strings.Contains(b, tok) {
		e.t.Fatalf("LOCK %s: token %q, body %s", path, tok, b)
	}
	return tok
}

func TestExclusiveLock(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	e.put("bob", "/dav/files/team/doc", "v1")
	tok := e.lock("bob", "/dav/files/team/doc", "exclusive", "0")
	e.want(http.StatusLocked, "alice", "PUT", "/dav/files/team/doc", "alice", nil)
	e.want(http.StatusLocked, "bob", "PUT", "/dav/files/team/doc", "no token", nil)
	e.want(http.StatusLocked, "alice", "DELETE", "/dav/files/team/doc", "", nil)
	e.want(http.StatusLocked, "alice", "MOVE", "/dav/files/team/doc", "", hdr{"Destination": "/dav/files/team/x"})
	e.want(http.StatusLocked, "alice", "LOCK", "/dav/files/team/doc", lockBody("shared"), hdr{"Depth": "0"})
	// Another user cannot use bob's token.
	e.want(http.StatusLocked, "alice", "PUT", "/dav/files/team/doc", "alice", hdr{"If": "(<" + tok + ">)"})
	e.want(http.StatusNoContent, "bob", "PUT", "/dav/files/team/doc", "v2", hdr{"If": "(<" + tok + ">)"})
	b := e.want(207, "alice", "PROPFIND", "/dav/files/team/doc", propfindAll, hdr{"Depth": "0"})
	mustContain(t, b, "<D:activelock", tok, "<D:exclusive/>", "mailto:bob@example.test")
	// Refresh.
	b = e.want(http.StatusOK, "bob", "LOCK", "/dav/files/team/doc", "", hdr{"If": "(<" + tok + ">)", "Timeout": "Second-100"})
	mustContain(t, b, "Second-100", tok)
	// alice is a master, who may break the lock: TestMasterBreaksMembersLock.
	e.want(http.StatusConflict, "bob", "UNLOCK", "/dav/files/team/other", "", hdr{"Lock-Token": "<" + tok + ">"})
	e.want(http.StatusNoContent, "bob", "UNLOCK", "/dav/files/team/doc", "", hdr{"Lock-Token": "<" + tok + ">"})
	e.put("alice", "/dav/files/team/doc", "alice")
}

func TestSharedLocksAndDepth(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	e.want(http.StatusCreated, "bob", "MKCOL", "/dav/files/team/dir/", "", nil)
	e.put("bob", "/dav/files/team/dir/f", "x")
	t1 := e.lock("bob", "/dav/files/team/dir/", "shared", "infinity")
	t2 := e.lock("alice", "/dav/files/team/dir/", "shared", "infinity")
	e.want(http.StatusLocked, "alice", "LOCK", "/dav/files/team/dir/f", lockBody("exclusive"), hdr{"Depth": "0"})
	e.want(http.StatusLocked, "alice", "PUT", "/dav/files/team/dir/f", "y", nil)
	e.want(http.StatusLocked, "alice", "PUT", "/dav/files/team/dir/new", "y", nil)
	e.want(http.StatusNoContent, "alice", "PUT", "/dav/files/team/dir/f", "y", hdr{"If": "(<" + t2 + ">)"})
	e.want(http.StatusNoContent, "bob", "PUT", "/dav/files/team/dir/f", "z", hdr{"If": "(<" + t1 + ">)"})
	e.want(http.StatusNoContent, "bob", "UNLOCK", "/dav/files/team/dir/", "", hdr{"Lock-Token": "<" + t1 + ">"})
	e.want(http.StatusNoContent, "alice", "UNLOCK", "/dav/files/team/dir/f", "", hdr{"Lock-Token": "<" + t2 + ">"})
	// A locked member blocks deleting its collection.
	t3 := e.lock("bob", "/dav/files/team/dir/f", "exclusive", "0")
	e.want(http.StatusLocked, "alice", "DELETE", "/dav/files/team/dir/", "", nil)
	e.want(http.StatusNoContent, "bob", "DELETE", "/dav/files/team/dir/", "", hdr{"If": "</dav/files/team/dir/f> (<" + t3 + ">)"})
	// LOCK of an unmapped URL creates an empty file.
	e.lock("bob", "/dav/files/team/new.txt", "exclusive", "0")
	if got := e.get("bob", "/dav/files/team/new.txt"); got != "" {
		t.Fatalf("lock-null file: %q", got)
	}
	e.want(http.StatusConflict, "bob", "LOCK", "/dav/files/team/no/such", lockBody("exclusive"), hdr{"Depth": "0"})
}
