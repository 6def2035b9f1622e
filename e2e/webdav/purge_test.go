package webdav

import (
	"net/http"
	"testing"
	"time"
)

// TestPurgeAndDeleteRemoveBlobs: a master's purge of the folder feature
// empties the group's folder and removes its blobs from data_dir; deleting
// a group removes its blobs too; another group's files stay.
func TestPurgeAndDeleteRemoveBlobs(t *testing.T) {
	e := start(t, nil)
	e.want(http.StatusCreated, "bob", "MKCOL", "/dav/files/team/docs/", "", nil)
	e.put("bob", "/dav/files/team/docs/a.txt", "a")
	e.put("bob", "/dav/files/team/b.txt", "b")
	e.put("bob", "/dav/files/hidden/c.txt", "c")
	if blobs, _ := e.diskFiles(); len(blobs) != 3 {
		t.Fatalf("blobs after three PUTs: %v", blobs)
	}
	if c, b := e.d.API(t, "POST", "/api/v1/groups/team/purge", "alice@example.test",
		map[string]any{"features": []string{"folder"}}); c/100 != 2 {
		t.Fatalf("purge: %d %s", c, b)
	}
	e.want(http.StatusNotFound, "bob", "GET", "/dav/files/team/b.txt", "", nil)
	e.want(http.StatusNotFound, "bob", "GET", "/dav/files/team/docs/a.txt", "", nil)
	e.waitBlobs(1)
	if got := e.get("bob", "/dav/files/hidden/c.txt"); got != "c" {
		t.Fatalf("hidden/c.txt after team's purge: %q", got)
	}
	if c, b := e.d.API(t, "DELETE", "/api/v1/groups/hidden", "alice@example.test", nil); c/100 != 2 {
		t.Fatalf("delete group: %d %s", c, b)
	}
	e.waitBlobs(0)
	// The purged folder takes new files.
	e.put("bob", "/dav/files/team/b.txt", "new")
	e.waitBlobs(1)
}

// waitBlobs waits up to 5 s for data_dir to hold n blobs.
func (e *env) waitBlobs(n int) {
	e.t.Helper()
	var blobs []string
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if blobs, _ = e.diskFiles(); len(blobs) == n {
			return
		}
	}
	e.t.Fatalf("blobs on disk: %v, want %d", blobs, n)
}
