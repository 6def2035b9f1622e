package folder

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"groupd/groups"
)

// blobs lists the blob files on disk (not the upload directory).
func (e *env) blobs() []string {
	e.t.Helper()
	dir := filepath.Dir(e.store.BlobPath("x"))
	ents, err := os.ReadDir(dir)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for _, d := range ents {
		if !d.IsDir() {
			out = append(out, d.Name())
		}
	}
	return out
}

// uploads lists the temporary upload files.
func (e *env) uploads() []string {
	m, _ := filepath.Glob(filepath.Join(e.store.BlobPath(".uploads"), "*"))
	return m
}

// A PUT whose connection dies mid-body leaves the previous version.
func TestCancelledPutKeepsPrevious(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	e.put("bob", "/dav/files/team/doc", "previous")
	c, err := net.Dial("tcp", strings.TrimPrefix(e.srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(c, "PUT /dav/files/team/doc HTTP/1.1\r\nHost: x\r\nAuthorization: Basic %s\r\nContent-Length: 1000000\r\n\r\n",
		"Ym9iQGV4YW1wbGUudGVzdDpwYXNzd29yZDE=")
	c.Write(bytes.Repeat([]byte("x"), 300000))
	time.Sleep(100 * time.Millisecond)
	c.Close()
	deadline := time.Now().Add(5 * time.Second)
	for len(e.uploads()) > 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if u := e.uploads(); len(u) != 0 {
		t.Fatalf("uploads left: %v", u)
	}
	if got := e.get("bob", "/dav/files/team/doc"); got != "previous" {
		t.Fatalf("after a cancelled PUT: %q", got[:min(len(got), 20)])
	}
}

func TestPurgeAndDeleteRemoveBlobs(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	ctx, alice := context.Background(), groups.Actor{Email: "alice@example.test"}
	e.want(http.StatusCreated, "bob", "MKCOL", "/dav/files/team/d/", "", nil)
	e.put("bob", "/dav/files/team/d/a", "a")
	e.put("bob", "/dav/files/team/b", "b")
	e.put("bob", "/dav/files/hidden/c", "c")
	e.lock("bob", "/dav/files/team/b", "exclusive", "0")
	if b := e.blobs(); len(b) != 3 {
		t.Fatalf("blobs: %v", b)
	}
	if err := e.store.Purge(ctx, alice, "team", []string{groups.FeatureFolder}); err != nil {
		t.Fatal(err)
	}
	if b := e.blobs(); len(b) != 1 {
		t.Fatalf("blobs after purge: %v", b)
	}
	e.want(http.StatusNotFound, "bob", "GET", "/dav/files/team/b", "", nil)
	e.put("alice", "/dav/files/team/b", "the lock went with the purge")
	if err := e.store.DeleteGroup(ctx, alice, "hidden"); err != nil {
		t.Fatal(err)
	}
	if b := e.blobs(); len(b) != 1 {
		t.Fatalf("blobs after delete: %v", b)
	}
	e.want(http.StatusNotFound, "bob", "GET", "/dav/files/hidden/c", "", nil)
}

// A blob renamed into place by an upload whose row was never committed (a
// crash in between) is removed at the next start; referenced blobs stay.
func TestOrphanBlobSwept(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	e.put("bob", "/dav/files/team/kept", "kept")
	orphan := e.store.BlobPath("0123456789abcdef0123456789abcdef")
	if err := os.WriteFile(orphan, []byte("orphan"), 0o600); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Hour)
	for _, b := range e.blobs() {
		os.Chtimes(e.store.BlobPath(b), old, old)
	}
	e.reopen()
	if _, err := os.Stat(orphan); !os.IsNotExist(err) {
		t.Fatalf("orphan blob still there: %v", err)
	}
	if got := e.get("bob", "/dav/files/team/kept"); got != "kept" {
		t.Fatalf("referenced blob: %q", got)
	}
}
