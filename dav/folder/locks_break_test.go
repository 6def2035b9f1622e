package folder

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"groupd/groups"
	"groupd/internal/testkit"
)

// Issue 16 item 14: a member locked the whole group folder (Depth
// infinity, Timeout Infinite) for 604,800 s, and the master could
// neither write nor UNLOCK.

// A lock's timeout is at most an hour (RFC 4918 §10.7 lets the server
// choose), and a refresh cannot ask for more.
func TestLockTimeoutCapped(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	e.put("bob", "/dav/files/team/doc", "x")
	code, b, h := e.do("bob", "LOCK", "/dav/files/team/doc", strings.NewReader(lockBody("exclusive")), hdr{"Depth": "0", "Timeout": "Infinite, Second-4100000000"})
	if code != http.StatusOK {
		t.Fatalf("LOCK: %d %s", code, b)
	}
	if err := testkit.WellFormedXML([]byte(b)); err != nil {
		t.Fatalf("LOCK answer: %v\n%s", err, b)
	}
	if s := lockSeconds(t, b); s > 3600 || s < 3590 {
		t.Fatalf("timeout %d s, want an hour at most:\n%s", s, b)
	}
	tok := strings.Trim(h.Get("Lock-Token"), "<>")
	b = e.want(http.StatusOK, "bob", "LOCK", "/dav/files/team/doc", "", hdr{"If": "(<" + tok + ">)", "Timeout": "Second-604800"})
	if s := lockSeconds(t, b); s > 3600 || s < 3590 {
		t.Fatalf("refreshed timeout %d s, want an hour at most:\n%s", s, b)
	}
}

func lockSeconds(t *testing.T, b string) int {
	t.Helper()
	m := regexp.MustCompile(`<D:timeout>Second-(\d+)</D:timeout>`).FindStringSubmatch(b)
	if m == nil {
		t.Fatalf("no timeout in %s", b)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// A member may not take a Depth-infinity lock on the group's root folder
// (403 with a sentence); a master may, and a member may lock below it.
func TestRootInfinityLockMastersOnly(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	code, b, _ := e.do("bob", "LOCK", "/dav/files/team/", strings.NewReader(lockBody("exclusive")), hdr{"Depth": "infinity", "Timeout": "Infinite"})
	if code != http.StatusForbidden || !strings.Contains(b, "masters") {
		t.Fatalf("member's infinity LOCK of the root: %d %q, want 403 with a sentence", code, b)
	}
	e.put("alice", "/dav/files/team/doc", "x") // nothing was locked
	e.want(http.StatusCreated, "bob", "MKCOL", "/dav/files/team/sub/", "", nil)
	tok := e.lock("bob", "/dav/files/team/sub/", "exclusive", "infinity")
	e.want(http.StatusNoContent, "bob", "UNLOCK", "/dav/files/team/sub/", "", hdr{"Lock-Token": "<" + tok + ">"})
	tok = e.lock("alice", "/dav/files/team/", "exclusive", "infinity")
	e.want(http.StatusNoContent, "alice", "UNLOCK", "/dav/files/team/", "", hdr{"Lock-Token": "<" + tok + ">"})
}

// A master breaks a member's lock with the token from lockdiscovery;
// another member still cannot (403).
func TestMasterBreaksMembersLock(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	if err := e.store.SetMember(context.Background(), groups.Actor{Email: "alice@example.test"}, "team", "carol@example.test", groups.RoleMember); err != nil {
		t.Fatal(err)
	}
	e.put("bob", "/dav/files/team/doc", "x")
	e.lock("bob", "/dav/files/team/doc", "exclusive", "0")
	e.want(http.StatusLocked, "alice", "PUT", "/dav/files/team/doc", "master", nil)
	b := e.want(207, "alice", "PROPFIND", "/dav/files/team/doc", propfindAll, hdr{"Depth": "0"})
	if err := testkit.WellFormedXML([]byte(b)); err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`<D:locktoken><D:href>([^<]+)</D:href>`).FindStringSubmatch(b)
	if m == nil {
		t.Fatalf("no lock token in lockdiscovery:\n%s", b)
	}
	code, msg, _ := e.do("carol", "UNLOCK", "/dav/files/team/doc", nil, hdr{"Lock-Token": "<" + m[1] + ">"})
	if code != http.StatusForbidden {
		t.Fatalf("another member's UNLOCK: %d %s", code, msg)
	}
	e.want(http.StatusNoContent, "alice", "UNLOCK", "/dav/files/team/doc", "", hdr{"Lock-Token": "<" + m[1] + ">"})
	e.put("alice", "/dav/files/team/doc", "master")
}
