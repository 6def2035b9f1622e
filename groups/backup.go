package groups

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// BackupDBName and BackupBlobDir are the names, inside a backup directory,
// of the database copy and of the blobs it references.
const (
	BackupDBName  = "groupd.db"
	BackupBlobDir = "blobs"
)

// BackupInfo says what a backup holds.
type BackupInfo struct {
	DB    string   // path of the database copy
	Blobs []string // names of the blobs copied (those the copy references)
	Bytes int64    // total size of those blobs
}

// blobGone is a referenced blob absent from the blob directory: swept
// after a later commit unreferenced it (the backup starts over), or, when
// even the attempt under the writer lock meets it, lost.
type blobGone struct{ name, dir string }

func (e *blobGone) Error() string {
	return fmt.Sprintf("groups: backup: blob %s, which the database references, is missing from %s (run a check)", e.name, e.dir)
}

// Backup writes a consistent copy of the store into dir, which must not
// exist yet and should be on the blob directory's file system: dir/groupd.db
// is a snapshot of the database (VACUUM INTO, one read transaction, so
// writers go on meanwhile) and dir/blobs holds every blob that snapshot
// references, hard-linked where possible (blobs never change once named),
// copied otherwise.
//
// The blob list comes from the snapshot itself, so the two agree. A
// referenced blob leaves the disk only after a later commit unreferences
// it; should that happen between the snapshot and the link, the backup
// starts over, and its last attempt holds the writer lock so that nothing
// can commit (writers wait, up to their busy timeout).
func (s *Store) Backup(ctx context.Context, dir string) (*BackupInfo, error) {
	const attempts = 4
	if s.d.pg {
		return nil, errPgBackup
	}
	if _, err := os.Lstat(dir); err == nil {
		return nil, fmt.Errorf("groups: backup: %s exists already", dir)
	}
	for i := 1; ; i++ {
		var info *BackupInfo
		var err error
		if i < attempts {
			info, err = s.backupOnce(ctx, dir)
		} else {
			err = s.write(ctx, func(*wtx) error {
				info, err = s.backupOnce(ctx, dir)
				return err
			})
		}
		var gone *blobGone
		if !errors.As(err, &gone) || i == attempts {
			return info, err
		}
		os.RemoveAll(dir) // what this attempt made
		s.log.Info("backup: a blob was swept during the backup; starting over", "attempt", i)
	}
}

func (s *Store) backupOnce(ctx context.Context, dir string) (*BackupInfo, error) {
	if err := os.MkdirAll(filepath.Join(dir, BackupBlobDir), 0o700); err != nil {
		return nil, err
	}
	info := &BackupInfo{DB: filepath.Join(dir, BackupDBName)}
	if _, err := s.rdb.ExecContext(ctx, `VACUUM INTO ?`, info.DB); err != nil {
		return nil, fmt.Errorf("groups: backup: copy the database: %w", err)
	}
	names, err := snapshotBlobs(ctx, info.DB)
	if err != nil {
		return nil, fmt.Errorf("groups: backup: read the copy: %w", err)
	}
	for _, n := range names {
		size, err := linkOrCopy(s.BlobPath(n), filepath.Join(dir, BackupBlobDir, n))
		if errors.Is(err, fs.ErrNotExist) {
			return nil, &blobGone{n, s.opts.BlobDir}
		}
		if err != nil {
			return nil, fmt.Errorf("groups: backup: blob %s: %w", n, err)
		}
		info.Blobs = append(info.Blobs, n)
		info.Bytes += size
	}
	return info, nil
}

// snapshotBlobs lists the blobs that the database at path references.
func snapshotBlobs(ctx context.Context, path string) ([]string, error) {
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, referencedBlobsSQL+` ORDER BY 1`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		if !isBlobName(n) {
			return nil, fmt.Errorf("the database references a blob named %q", n)
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// linkOrCopy hard-links src to dst, or copies it when the file system
// cannot link; it returns the size.
func linkOrCopy(src, dst string) (int64, error) {
	fi, err := os.Stat(src)
	if err != nil {
		return 0, err
	}
	if os.Link(src, dst) == nil {
		return fi.Size(), nil
	}
	in, err := os.Open(src)
	if err != nil {
		return 0, err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(out, in)
	if e := out.Close(); err == nil {
		err = e
	}
	return n, err
}
