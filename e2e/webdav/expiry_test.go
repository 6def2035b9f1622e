package webdav

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

var timeoutRe = regexp.MustCompile(`<D:timeout>Second-(\d+)</D:timeout>`)

// shortLock has user take an exclusive lock of the given depth on path
// with Timeout: Second-2 (RFC 4918 §10.7) and checks the granted timeout
// in the answer's lockdiscovery: at most the 2 s asked for, and not
// under 1 s (a loaded machine may round a little away). It returns the
// token and the time just before the LOCK was sent.
func (e *env) shortLock(user, path, depth string) (string, time.Time) {
	e.t.Helper()
	// Start just after a second boundary: expiry is kept in whole seconds,
	// so the lock then blocks for nearly its full 2 s.
	time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(time.Second + 20*time.Millisecond)))
	sent := time.Now()
	code, b, h := e.do(user, "LOCK", path, strings.NewReader(lockBody("exclusive")),
		hdr{"Depth": depth, "Timeout": "Second-2"})
	if code != http.StatusOK && code != http.StatusCreated {
		e.t.Fatalf("LOCK %s: %d %s", path, code, b)
	}
	tok := strings.Trim(h.Get("Lock-Token"), "<>")
	mustContain(e.t, b, "<D:lockdiscovery>", "<D:activelock", tok)
	m := timeoutRe.FindStringSubmatch(b)
	if m == nil {
		e.t.Fatalf("LOCK %s: no timeout in the lockdiscovery:\n%s", path, b)
	}
	if n, _ := strconv.Atoi(m[1]); n < 1 || n > 2 {
		e.t.Fatalf("LOCK %s with Timeout: Second-2 granted Second-%d:\n%s", path, n, b)
	}
	return tok, sent
}

// lockDiscovery is the lockdiscovery property of path as user sees it.
func (e *env) lockDiscovery(user, path string) string {
	e.t.Helper()
	b := e.want(207, user, "PROPFIND", path,
		`<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop><D:lockdiscovery/></D:prop></D:propfind>`, hdr{"Depth": "0"})
	i, j := strings.Index(b, "<D:lockdiscovery"), strings.LastIndex(b, "</D:lockdiscovery>")
	if i < 0 || j < i {
		if strings.Contains(b, "<D:lockdiscovery/>") {
			return ""
		}
		e.t.Fatalf("PROPFIND %s: no lockdiscovery in\n%s", path, b)
	}
	return strings.TrimPrefix(b[i:j], "<D:lockdiscovery>")
}

// TestLockExpires: alice locks a file with Timeout: Second-2 and is
// granted that timeout. While the lock lasts, bob's PUT is refused with
// 423 and lockdiscovery shows the lock; once the timeout has passed,
// bob's PUT succeeds without any token, his content is what is stored,
// lockdiscovery on the file is empty, and alice can neither refresh (412)
// nor unlock (409) the expired lock.
func TestLockExpires(t *testing.T) {
	e := start(t, nil)
	const doc = "/dav/files/team/doc.odt"
	e.put("alice", doc, "v1")
	tok, sent := e.shortLock("alice", doc, "0")

	code, b, _ := e.do("bob", "PUT", doc, strings.NewReader("bob early"), nil)
	// The lock lasts at least 1 s after it was sent; only a machine slow
	// enough to pass that before bob's PUT was checked excuses a success.
	if code != http.StatusLocked && time.Since(sent) < time.Second {
		t.Fatalf("PUT by bob while alice's lock lasts: %d %s", code, b)
	}
	if code == http.StatusLocked {
		if ld := e.lockDiscovery("bob", doc); !strings.Contains(ld, tok) && time.Since(sent) < time.Second {
			t.Fatalf("lockdiscovery while locked: %s", ld)
		}
	} else {
		t.Logf("the machine is slow: bob's PUT came %v after the LOCK, when the lock had expired", time.Since(sent))
	}

	var last string
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		code, b, _ := e.do("bob", "PUT", doc, strings.NewReader("bob"), nil)
		if code == http.StatusCreated || code == http.StatusNoContent {
			break
		}
		if code != http.StatusLocked {
			t.Fatalf("PUT by bob: %d %s", code, b)
		}
		last = b
		if time.Now().After(deadline) {
			t.Fatalf("bob's PUT still refused %v after a 2 s lock: %s", time.Since(sent), last)
		}
	}
	if got := e.get("alice", doc); got != "bob" {
		t.Fatalf("after the lock expired the file holds %q", got)
	}
	if ld := e.lockDiscovery("bob", doc); strings.TrimSpace(ld) != "" {
		t.Fatalf("lockdiscovery after the lock expired: %q", ld)
	}
	if ld := e.lockDiscovery("alice", doc); strings.TrimSpace(ld) != "" {
		t.Fatalf("lockdiscovery for the holder after the lock expired: %q", ld)
	}
	e.want(http.StatusPreconditionFailed, "alice", "LOCK", doc, "", hdr{"If": "(<" + tok + ">)", "Timeout": "Second-60"})
	e.want(http.StatusConflict, "alice", "UNLOCK", doc, "", hdr{"Lock-Token": "<" + tok + ">"})
	// The resource can be locked afresh.
	bobTok := e.lock("bob", doc, "exclusive", "0")
	e.want(http.StatusNoContent, "bob", "UNLOCK", doc, "", hdr{"Lock-Token": "<" + bobTok + ">"})
}

// TestExpiredLocksAfterRestart: alice locks a file (depth 0) and a
// folder (depth infinity) with Timeout: Second-2; the daemon restarts
// after both expired. Bob then writes the file, writes into the folder
// and deletes it without any token, and lockdiscovery shows nothing.
func TestExpiredLocksAfterRestart(t *testing.T) {
	e := start(t, nil)
	const doc, dir = "/dav/files/team/doc.odt", "/dav/files/team/dir/"
	e.put("alice", doc, "v1")
	e.want(http.StatusCreated, "alice", "MKCOL", dir, "", nil)
	e.put("alice", dir+"f.txt", "v1")
	e.shortLock("alice", dir, "infinity")
	_, sent := e.shortLock("alice", doc, "0") // the later of the two
	if code, _, _ := e.do("bob", "PUT", doc, strings.NewReader("bob early"), nil); code != http.StatusLocked && time.Since(sent) < time.Second {
		t.Fatalf("PUT by bob while alice's lock lasts: %d", code)
	}
	// Both locks expire at most 2 s after sent (expiry is kept in whole
	// seconds, rounded down): 3.5 s later both have.
	time.Sleep(time.Until(sent.Add(3500 * time.Millisecond)))
	e.restart()

	if ld := e.lockDiscovery("bob", doc); strings.TrimSpace(ld) != "" {
		t.Fatalf("lockdiscovery of the file after the restart: %q", ld)
	}
	if ld := e.lockDiscovery("bob", dir+"f.txt"); strings.TrimSpace(ld) != "" {
		t.Fatalf("lockdiscovery in the folder after the restart: %q", ld)
	}
	e.want(http.StatusNoContent, "bob", "PUT", doc, "bob", nil)
	e.want(http.StatusNoContent, "bob", "PUT", dir+"f.txt", "bob", nil)
	e.want(http.StatusCreated, "bob", "PUT", dir+"g.txt", "bob", nil)
	if got := e.get("alice", doc); got != "bob" {
		t.Fatalf("the file holds %q", got)
	}
	e.want(http.StatusNoContent, "bob", "DELETE", dir, "", nil)
}
