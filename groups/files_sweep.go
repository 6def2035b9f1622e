package groups

import (
	"context"
	"time"
)

// SweepFolderBlobs removes blobs that no folder entry references and
// (nor note attachment, nor thumbnail) and that are older than minAge: what a crash between an upload's commit of
// its blob and the commit of its row leaves behind. It returns how many
// it removed. Only names of folder blobs (32 hex digits) are considered.
// On PostgreSQL one node sweeps at a time (an advisory lock): another
// finds it held and returns 0.
func (s *Store) SweepFolderBlobs(ctx context.Context, minAge time.Duration) (int, error) {
	n := 0
	_, err := s.sweepLocked(ctx, func() error {
		var err error
		n, err = s.sweepOrphans(ctx, minAge)
		return err
	})
	return n, err
}

func (s *Store) sweepOrphans(ctx context.Context, minAge time.Duration) (int, error) {
	all, err := s.blobs.List(ctx)
	if err != nil {
		return 0, err
	}
	cutoff := s.opts.Now().Add(-minAge)
	var old []string
	for name, t := range all {
		if t.Before(cutoff) {
			old = append(old, name)
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
		if !used[name] && s.blobs.Remove(ctx, name) == nil {
			n++
		}
	}
	return n, nil
}

func (s *Store) usedBlobs(ctx context.Context) (map[string]bool, error) {
	rows, err := s.rdb.QueryContext(ctx, referencedBlobsSQL+` UNION ALL SELECT blob FROM blob_trash`)
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

// referencedBlobsSQL selects the name of every blob the data references
// (once each): folder files, note attachments and their thumbnails.
// The sweep, backups, their check and copy-db all go by it.
const referencedBlobsSQL = `SELECT blob FROM files WHERE blob <> ''
	UNION SELECT blob FROM note_attachments WHERE blob <> ''
	UNION SELECT thumb_blob FROM note_attachments WHERE thumb_blob <> ''`

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
