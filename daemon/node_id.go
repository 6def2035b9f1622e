package daemon

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// nodeIDFile keeps, in data_dir, the node id a daemon chose for itself
// when [database] node_id is not set.
const nodeIDFile = "node-id"

// nodeID is, on PostgreSQL, the configured [database] node_id or,
// without one, the id kept in data_dir/node-id (random, written at first start): a node
// restarted on its data_dir is the same node to the others on the
// database, so it takes back its own claims and cleans its own upload
// temporaries at once.
func nodeID(configured, dir string) (string, error) {
	if configured != "" {
		return configured, nil
	}
	path := filepath.Join(dir, nodeIDFile)
	b, err := os.ReadFile(path)
	if err == nil && strings.TrimSpace(string(b)) != "" {
		return strings.TrimSpace(string(b)), nil
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	r := make([]byte, 6)
	rand.Read(r)
	id := "node-" + hex.EncodeToString(r)
	if err := os.WriteFile(path, []byte(id+"\n"), 0o600); err != nil {
		return "", err
	}
	return id, nil
}
