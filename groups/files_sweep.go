package groups

import (
	"context"
	"os"
	"time"
)

// SweepFolderBlobs removes blob files that no folder entry references and
// that are older than minAge: what a crash between an upload's rename into
// the blob directory and the commit of its row leaves behind. It returns
// how many it removed. Only names of folder blobs (32 hex digits) are
// considered.
func (s *Store) SweepFolderBlobs(ctx context.Context, minAge time.Duration) (int, error) {
	ents, err := os.ReadDir(s.opts.BlobDir)
	if err != nil {
		return 0, err
	}
	cutoff := s.opts.Now().Add(-minAge)
	var old []string
	for _, e := range ents {
		if e.IsDir() || !isBlobName(e.Name()) {
			continue
		}
		if fi, err := e.Info(); err == nil && fi.ModTime().Before(cutoff) {
			old = append(old, e.Name())
		}
	}
	if len(old) == 0 {
		return 0, nil
	}
	used, err := s.usedBlobs(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, name := range old {
		if !used[name] && os.Remove(s.BlobPath(name)) == nil {
			n++
		}
	}
	return n, nil
}

func (s *Store) usedBlobs(ctx context.Context) (map[string]bool, error) {
	rows, err := s.rdb.QueryContext(ctx, `SELECT blob FROM files WHERE blob <> ''
		UNION ALL SELECT blob FROM blob_trash`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	used := map[string]bool{}
	for rows.Next() {
		var b string
		if err := rows.Scan(&b); err != nil {
			return nil, err
		}
		used[b] = true
	}
	return used, rows.Err()
}

func isBlobName(s string) bool {
	if len(s) != 32 {
		return false
	}
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}
