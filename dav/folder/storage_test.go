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

// blobs lists the blobs stored: the files in the blob directory (not
// the upload directory), or the rows of the postgres BlobStore.
func (e *env) blobs() []string {
	e.t.Helper()
	if e.store.Blobs() == groups.BlobsPostgres {
		return e.pgBlobs()
	}
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
	m, _ := filepath.Glob(filepath.Join(e.store.UploadDir(e.store.BlobPath(".uploads")), "*"))
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
	const orphan = "0123456789abcdef0123456789abcdef"
	e.addOldBlob(orphan, "orphan")
	e.reopen()
	if b := e.blobs(); len(b) != 1 || b[0] == orphan {
		t.Fatalf("blobs after the sweep: %v", b)
	}
	if got := e.get("bob", "/dav/files/team/kept"); got != "kept" {
		t.Fatalf("referenced blob: %q", got)
	}
}

// addOldBlob stores a blob that nothing references and makes every blob
// an hour old: what a crash between a blob's commit and its row's leaves.
func (e *env) addOldBlob(name, contents string) {
	e.t.Helper()
	old := time.Now().Add(-time.Hour)
	if e.store.Blobs() == groups.BlobsPostgres {
		db := e.db.SQL(e.t)
		if _, err := db.Exec(e.db.Q(`INSERT INTO blobs (name, size, created) VALUES (?, ?, 0)`), name, len(contents)); err != nil {
			e.t.Fatal(err)
		}
		if _, err := db.Exec(e.db.Q(`INSERT INTO blob_chunks (name, seq, data) VALUES (?, 0, ?)`), name, []byte(contents)); err != nil {
			e.t.Fatal(err)
		}
		if _, err := db.Exec(e.db.Q(`UPDATE blobs SET created = ?`), old.Unix()); err != nil {
			e.t.Fatal(err)
		}
		return
	}
	if err := os.WriteFile(e.store.BlobPath(name), []byte(contents), 0o600); err != nil {
		e.t.Fatal(err)
	}
	for _, b := range e.blobs() {
		os.Chtimes(e.store.BlobPath(b), old, old)
	}
}

// pgBlobs lists the rows of the postgres BlobStore.
func (e *env) pgBlobs() []string {
	e.t.Helper()
	rows, err := e.db.SQL(e.t).Query(`SELECT name FROM blobs ORDER BY name`)
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		out = append(out, n)
	}
	return out
}
