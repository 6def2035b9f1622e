package webdav

import (
	"path/filepath"
	"testing"

	"groupd/internal/testdb"
)

// TestKillDuringUpload runs the groupd binary, has a member replace a file
// with a 500 MB upload and kills the daemon (SIGKILL) when a fifth of it
// is in. A new daemon on the same data_dir serves the previous version
// intact, and the half-written upload is gone.
func TestKillDuringUpload(t *testing.T) {
	if testing.Short() {
		t.Skip("builds groupd and uploads 500 MB (-short)")
	}
	root := t.TempDir()
	bin := buildGroupd(t)
	p := runGroupd(t, bin, root)
	admin := p.Token
	for _, u := range []string{"alice@example.test", "bob@example.test"} {
		p.must(t, 201, "POST", "/api/v1/users", "", admin, `{"email":"`+u+`","name":"x","password":"`+pw+`"}`)
	}
	p.must(t, 201, "POST", "/api/v1/groups", "alice@example.test", "", `{"id":"team","name":"Team","members":["bob@example.test"]}`)
	const path = "/dav/files/team/big.bin"
	p.must(t, 201, "PUT", path, "bob@example.test", "", "version one")

	z := &zeros{n: 500 << 20, reached: make(chan struct{})}
	reached, killed := z.reached, make(chan struct{})
	go func() {
		<-reached
		p.Kill()
		close(killed)
	}()
	if resp, err := p.do(t, "PUT", path, "bob@example.test", "", z, z.n); err == nil {
		resp.Body.Close()
		t.Fatalf("the 500 MB PUT was answered %d: the daemon was not killed mid-upload", resp.StatusCode)
	}
	<-killed
	// With the postgres BlobStore the upload was a transaction, which
	// the server rolled back when the connection died: nothing on disk.
	// With fs on PostgreSQL the temporary is in .uploads/<node id>/ (the
	// node's own; the same after the restart: data_dir/node-id).
	pg := testdb.Postgres()
	uploads := filepath.Join(p.DataDir, "blobs", ".uploads", "put-*")
	if m, _ := filepath.Glob(uploads); len(m) == 0 {
		uploads = filepath.Join(p.DataDir, "blobs", ".uploads", "*", "put-*")
	}
	if m, _ := filepath.Glob(uploads); len(m) == 0 && !pg {
		t.Fatal("the killed upload left no temporary file: the kill did not come mid-upload")
	}

	p = runGroupd(t, bin, root)
	if got := p.must(t, 200, "GET", path, "bob@example.test", "", ""); got != "version one" {
		t.Fatalf("after the crash the file holds %d bytes, want the previous version", len(got))
	}
	if m, _ := filepath.Glob(uploads); len(m) != 0 {
		t.Fatalf("half-written uploads left after the restart: %v", m)
	}
	if pg {
		var n, bytes int64
		db := testdb.For(t, root)
		if err := db.SQL(t).QueryRow(`SELECT COUNT(*), COALESCE(SUM(octet_length(data)), 0) FROM blob_chunks`).Scan(&n, &bytes); err != nil || bytes != int64(len("version one")) {
			t.Fatalf("after the restart the database holds %d chunks of %d bytes (%v), want the previous version's", n, bytes, err)
		}
	}
}
