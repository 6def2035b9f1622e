package folder

import (
	"os"
	"path/filepath"
	"testing"
)

// TestUploadTempPerNode: a node starting on the database (with the blob
// directory every node shares, as in this version) does not remove
// another node's upload in progress, and still cleans its own. On SQLite
// (one process) uploads stay in blobs/.uploads.
func TestUploadTempPerNode(t *testing.T) {
	e := newEnv(t, Options{})
	other := openStore(t, e.db) // a second node on the same database and blob directory
	defer other.Close()
	base := e.store.BlobPath(".uploads")
	mine, theirs := e.store.UploadDir(base), other.UploadDir(base)
	if !e.store.Clustered() {
		if mine != base || theirs != base {
			t.Fatalf("SQLite upload dirs %s and %s, want %s", mine, theirs, base)
		}
		return
	}
	if mine == theirs || filepath.Dir(mine) != base {
		t.Fatalf("the nodes' upload dirs: %s and %s, want two under %s", mine, theirs, base)
	}
	for _, d := range []string{mine, theirs} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "put-inprogress"), []byte("half"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	e.serve() // the first node starts again: it cleans its own temporaries
	if _, err := os.Stat(filepath.Join(theirs, "put-inprogress")); err != nil {
		t.Fatalf("the other node's upload in progress went: %v", err)
	}
	if _, err := os.Stat(filepath.Join(mine, "put-inprogress")); !os.IsNotExist(err) {
		t.Fatalf("the node's own leftover upload stayed: %v", err)
	}
}
