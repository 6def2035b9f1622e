package daemon

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
)

// tokenFile is the admin token's name in data_dir (SPEC §2).
const tokenFile = "admin-token"

// adminToken returns the token in <dir>/admin-token, generating it on
// first start: 32 random bytes, hex, written mode 0600. The path is
// logged, the token never.
func adminToken(dir string, log *slog.Logger) (string, error) {
	path := filepath.Join(dir, tokenFile)
	tok, err := readToken(path, log)
	if err == nil {
		log.Info("admin token read", "path", path)
		return tok, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	tok, err = writeToken(dir, path)
	if errors.Is(err, fs.ErrExist) { // another process won the race
		return readToken(path, log)
	}
	if err != nil {
		return "", fmt.Errorf("admin token: %w", err)
	}
	log.Info("admin token generated", "path", path)
	return tok, nil
}

// readToken reads an existing token file, trimming white space.
func readToken(path string, log *slog.Logger) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	tok := strings.TrimSpace(string(b))
	if tok == "" {
		return "", fmt.Errorf("admin token: %s is empty; delete it to have a new token generated", path)
	}
	if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
		log.Warn("admin token file is readable by others; chmod 600 it", "path", path, "mode", fi.Mode().Perm())
	}
	return tok, nil
}

// writeToken generates a token and makes it appear at path all at once:
// written and synced in a fresh 0600 file (O_EXCL), then hard-linked to
// path, which fails rather than replace an existing token.
func writeToken(dir, path string) (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	tok := hex.EncodeToString(b)
	f, err := os.CreateTemp(dir, tokenFile+".*.tmp") // O_EXCL, 0600
	if err != nil {
		return "", err
	}
	defer os.Remove(f.Name())
	_, err = f.WriteString(tok + "\n")
	if err == nil {
		err = f.Sync()
	}
	if e := f.Close(); err == nil {
		err = e
	}
	if err != nil {
		return "", err
	}
	if err := os.Link(f.Name(), path); err != nil {
		return "", err
	}
	return tok, syncDir(dir)
}

// syncDir makes a new directory entry durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
