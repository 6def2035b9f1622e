package daemon

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestNodeIDKeptInDataDir: without [database] node_id a daemon chooses an
// id once and keeps it in data_dir/node-id, so a restart is the same
// node; a configured id wins and writes nothing.
func TestNodeIDKeptInDataDir(t *testing.T) {
	dir := t.TempDir()
	first, err := nodeID("", dir)
	if err != nil || !strings.HasPrefix(first, "node-") {
		t.Fatalf("first start: %q %v", first, err)
	}
	again, err := nodeID("", dir)
	if err != nil || again != first {
		t.Fatalf("restart: %q %v, want %q", again, err, first)
	}
	if fi, err := os.Stat(filepath.Join(dir, nodeIDFile)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("node-id file: %v %v", fi, err)
	}
	other := t.TempDir()
	if id, err := nodeID("mx-2", other); err != nil || id != "mx-2" {
		t.Fatalf("configured: %q %v", id, err)
	}
	if _, err := os.Stat(filepath.Join(other, nodeIDFile)); !os.IsNotExist(err) {
		t.Fatalf("a configured id wrote node-id: %v", err)
	}
}
