package daemon

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"

	"groupd/groups"
)

// sharedToken makes tok, this data_dir's admin token, the one of every
// node on the database (PostgreSQL): the first node to start stores its
// token there; a node that finds another one adopts it and writes it to
// its own data_dir/admin-token for the operator. On SQLite tok stays.
func sharedToken(ctx context.Context, st *groups.Store, dir, tok string, log *slog.Logger) (string, error) {
	shared, err := st.SharedAdminToken(ctx, tok)
	if err != nil || shared == tok {
		return shared, err
	}
	if err := replaceToken(dir, shared); err != nil {
		return "", err
	}
	log.Info("admin token: this node takes the one the other nodes on the database use",
		"path", filepath.Join(dir, tokenFile))
	return shared, nil
}

// replaceToken writes tok to data_dir/admin-token in place of the file
// there, all at once (a fresh 0600 file renamed over it).
func replaceToken(dir, tok string) error {
	f, err := os.CreateTemp(dir, tokenFile+".*.tmp") // O_EXCL, 0600
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	_, err = f.WriteString(tok + "\n")
	if err == nil {
		err = f.Sync()
	}
	if e := f.Close(); err == nil {
		err = e
	}
	if err == nil {
		err = os.Rename(f.Name(), filepath.Join(dir, tokenFile))
	}
	if err != nil {
		return err
	}
	return syncDir(dir)
}
