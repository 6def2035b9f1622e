package groups

import "context"

// commitTx replaces (or creates) the file's row with the upload's blob, in
// the writer's transaction. The old blob is trashed and leaves the disk
// after the commit.
func (u *Upload) commitTx(ctx context.Context, tx *wtx, blob string) (*FileInfo, error) {
	f := u.f
	if err := f.ensureRoot(ctx, tx); err != nil {
		return nil, err
	}
	if err := f.parentDir(ctx, tx, u.path); err != nil {
		return nil, err
	}
	old, err := f.stat(ctx, tx, u.path)
	exists := err == nil
	if err != nil && !isNotFound(err) {
		return nil, err
	}
	var delta = u.size
	if exists {
		if old.IsDir {
			return nil, errorf(ErrConflict, "%s is a folder", u.path)
		}
		delta -= old.Size
	} else {
		delta += FolderEntryBytes
	}
	if delta > 0 {
		if err := f.checkQuota(ctx, tx, delta); err != nil {
			return nil, err
		}
	}
	mod := u.modified.Unix()
	fi := &FileInfo{Path: u.path, Size: u.size, ETag: u.etag, blob: blob, Created: u.modified, Modified: u.modified}
	if exists {
		fi.fid, fi.Created = old.fid, old.Created
		if old.blob != "" {
			if _, err := tx.ExecContext(ctx, `INSERT INTO blob_trash (blob) VALUES (?) ON CONFLICT DO NOTHING`, old.blob); err != nil {
				return nil, err
			}
			tx.trash = append(tx.trash, old.blob)
		}
		_, err = tx.ExecContext(ctx, `UPDATE files SET size = ?, blob = ?, etag = ?, modified = ? WHERE fid = ?`,
			u.size, blob, u.etag, mod, old.fid)
	} else {
		err = tx.QueryRowContext(ctx, `INSERT INTO files (gid, path, is_dir, size, blob, etag, created, modified)
			VALUES (?, ?, 0, ?, ?, ?, ?, ?) RETURNING fid`, f.gid, u.path, u.size, blob, u.etag, mod, mod).Scan(&fi.fid)
		if err == nil {
			err = f.touch(ctx, tx, f.gid, parentPath(u.path))
		}
	}
	if err != nil {
		return nil, err
	}
	if len(u.props) == 0 {
		return fi, nil
	}
	if exists {
		if _, err := tx.ExecContext(ctx, `DELETE FROM file_props WHERE fid = ?`, fi.fid); err != nil {
			return nil, err
		}
	}
	for _, p := range u.props {
		if err := patchTx(ctx, tx, fi.fid, p); err != nil {
			return nil, err
		}
	}
	return fi, f.checkProps(ctx, tx, fi.fid, 0)
}

func isNotFound(err error) bool {
	e, ok := err.(*Error)
	return ok && e.Kind == ErrNotFound
}
