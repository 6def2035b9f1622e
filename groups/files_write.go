package groups

import (
	"context"
	"strings"
)

// ensureRoot gives the folder itself a row, so that it can carry an ETag,
// a modification time and dead properties once anything is written.
func (f *Folder) ensureRoot(ctx context.Context, tx *wtx) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO files (gid, path, is_dir, etag, created, modified)
		VALUES (?, '', 1, ?, ?, ?) ON CONFLICT DO NOTHING`, f.gid, newETag(), f.created.Unix(), tx.unix())
	return err
}

// touch gives the directory dir a new ETag and modification time: its
// membership changed.
func (f *Folder) touch(ctx context.Context, tx *wtx, gid int64, dir string) error {
	_, err := tx.ExecContext(ctx, `UPDATE files SET etag = ?, modified = ? WHERE gid = ? AND path = ?`,
		newETag(), tx.unix(), gid, dir)
	return err
}

// parentDir checks that the parent of p exists and is a directory:
// ErrNotFound when it is missing, ErrConflict when it is a file.
func (f *Folder) parentDir(ctx context.Context, tx *wtx, p string) error {
	d, err := f.stat(ctx, tx, parentPath(p))
	if err != nil {
		return err
	}
	if !d.IsDir {
		return errorf(ErrConflict, "the parent is not a folder")
	}
	return nil
}

// Mkdir creates the directory p (RFC 4918 §9.3): ErrNotFound without a
// parent, ErrConflict when p exists.
func (f *Folder) Mkdir(ctx context.Context, p string) error {
	if err := f.checkWrite(); err != nil {
		return err
	}
	if err := CheckNewFilePath(p); err != nil {
		return err
	}
	if p == "" {
		return errorf(ErrConflict, "the folder exists")
	}
	return f.s.write(ctx, func(tx *wtx) error {
		if err := f.ensureRoot(ctx, tx); err != nil {
			return err
		}
		if err := f.parentDir(ctx, tx, p); err != nil {
			return err
		}
		if err := f.checkQuota(ctx, tx, FolderEntryBytes); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO files (gid, path, is_dir, etag, created, modified)
			VALUES (?, ?, 1, ?, ?, ?)`, f.gid, p, newETag(), tx.unix(), tx.unix())
		if tx.isUnique(err) {
			return errorf(ErrConflict, "%s exists", p)
		}
		if err != nil {
			return err
		}
		return f.touch(ctx, tx, f.gid, parentPath(p))
	})
}

// RemoveAll deletes p and everything under it, with the locks rooted
// there (RFC 4918 §9.6). Their blobs leave the disk after the commit.
func (f *Folder) RemoveAll(ctx context.Context, p string) error {
	if err := f.checkWrite(); err != nil {
		return err
	}
	if err := CheckFilePath(p); err != nil {
		return err
	}
	if p == "" {
		return errorf(ErrDenied, "a group's folder itself cannot be deleted")
	}
	return f.s.write(ctx, func(tx *wtx) error { return f.removeTx(ctx, tx, p) })
}

func (f *Folder) removeTx(ctx context.Context, tx *wtx, p string) error {
	if _, err := f.stat(ctx, tx, p); err != nil {
		return err
	}
	lo, hi := f.s.d.subtree(p)
	where := `gid = ? AND (path = ? OR (path >= ? AND path < ?))`
	args := []any{f.gid, p, lo, hi}
	if _, err := tx.ExecContext(ctx, `INSERT INTO blob_trash (blob)
		SELECT blob FROM files WHERE blob <> '' AND `+where+` ON CONFLICT DO NOTHING`, args...); err != nil {
		return err
	}
	tx.trash = append(tx.trash, "folder")
	for _, table := range []string{"files", "file_locks"} {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE `+where, args...); err != nil {
			return err
		}
	}
	return f.touch(ctx, tx, f.gid, parentPath(p))
}

// Move renames src (with everything under it) to dst in the folder to,
// which may be another group's (RFC 4918 §9.9). What is at dst is deleted
// in the same transaction (the caller answers Overwrite: F before), so a
// failed move changes nothing. Locks rooted in src are dropped (§7.5: a
// lock does not move with its resource).
func (f *Folder) Move(ctx context.Context, src string, to *Folder, dst string) error {
	if err := f.checkWrite(); err != nil {
		return err
	}
	if err := to.checkWrite(); err != nil {
		return err
	}
	if err := CheckFilePath(src); err != nil {
		return err
	}
	if err := CheckNewFilePath(dst); err != nil {
		return err
	}
	if src == "" || dst == "" {
		return errorf(ErrDenied, "a group's folder itself cannot be moved or replaced")
	}
	if f.gid == to.gid && (dst == src || strings.HasPrefix(dst, src+"/") || strings.HasPrefix(src, dst+"/")) {
		return errorf(ErrConflict, "a folder cannot be moved into itself or onto what holds it")
	}
	return f.s.write(ctx, func(tx *wtx) error { return f.moveTx(ctx, tx, src, to, dst) })
}

func (f *Folder) moveTx(ctx context.Context, tx *wtx, src string, to *Folder, dst string) error {
	if err := to.ensureRoot(ctx, tx); err != nil {
		return err
	}
	if _, err := f.stat(ctx, tx, src); err != nil {
		return err
	}
	if err := to.parentDir(ctx, tx, dst); err != nil {
		return err
	}
	if _, err := to.stat(ctx, tx, dst); err == nil {
		if err := to.removeTx(ctx, tx, dst); err != nil {
			return err
		}
	}
	lo, hi := f.s.d.subtree(src)
	where := `gid = ? AND (path = ? OR (path >= ? AND path < ?))`
	args := []any{f.gid, src, lo, hi}
	if to.gid != f.gid {
		// What the subtree counts in the destination's quota: content,
		// entries and dead properties, as usage counts them.
		var size int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(size + ? + (SELECT COALESCE(SUM(`+propBytesSQL+`), 0)
			FROM file_props p WHERE p.fid = files.fid)), 0) FROM files WHERE `+where,
			append([]any{FolderEntryBytes}, args...)...).Scan(&size); err != nil {
			return err
		}
		if err := to.checkQuota(ctx, tx, size); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM file_locks WHERE `+where, args...); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE files SET gid = ?, path = ? || substr(path, ?)
		WHERE `+where, append([]any{to.gid, dst, len(src) + 1}, args...)...); err != nil {
		return err
	}
	if err := f.touch(ctx, tx, f.gid, parentPath(src)); err != nil {
		return err
	}
	return to.touch(ctx, tx, to.gid, parentPath(dst))
}
