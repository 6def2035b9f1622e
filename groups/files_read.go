package groups

import (
	"context"
	"errors"
	"io"
	"strings"
)

const fileCols = `fid, path, is_dir, size, blob, etag, created, modified`

func scanFile(r scanner) (*FileInfo, error) {
	fi := &FileInfo{}
	var c, m int64
	if err := r.Scan(&fi.fid, &fi.Path, &fi.IsDir, &fi.Size, &fi.blob, &fi.ETag, &c, &m); err != nil {
		return nil, err
	}
	fi.Created, fi.Modified = unixTime(c), unixTime(m)
	return fi, nil
}

// Stat describes the entry at path p ("" is the folder itself).
func (f *Folder) Stat(ctx context.Context, p string) (*FileInfo, error) {
	return f.stat(ctx, f.s.rdb, p)
}

func (f *Folder) stat(ctx context.Context, q querier, p string) (*FileInfo, error) {
	if err := CheckFilePath(p); err != nil {
		return nil, err
	}
	fi, err := scanFile(q.QueryRowContext(ctx, `SELECT `+fileCols+` FROM files WHERE gid = ? AND path = ?`, f.gid, p))
	if errors.Is(err, errNoRows) {
		if p == "" {
			// The folder itself, before anything was ever written to it.
			return &FileInfo{IsDir: true, ETag: `"g` + f.created.Format("20060102150405") + `"`,
				Created: f.created, Modified: f.created}, nil
		}
		return nil, errorf(ErrNotFound, "no such file or folder")
	}
	return fi, err
}

// List lists the entries directly inside the directory dir, by name.
func (f *Folder) List(ctx context.Context, dir string) ([]*FileInfo, error) {
	d, err := f.Stat(ctx, dir)
	if err != nil {
		return nil, err
	}
	if !d.IsDir {
		return nil, errorf(ErrConflict, "not a folder")
	}
	lo, hi := f.s.d.subtree(dir)
	off := 1
	if dir != "" {
		off = len(dir) + 2
	}
	rows, err := f.s.rdb.QueryContext(ctx, `SELECT `+fileCols+` FROM files
		WHERE gid = ? AND path >= ? AND path < ? AND substr(path, ?) NOT LIKE '%/%'
		ORDER BY path`, f.gid, lo, hi, off)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*FileInfo
	for rows.Next() {
		fi, err := scanFile(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, fi)
	}
	return out, rows.Err()
}

// Open opens the contents of the file at p for reading, from the
// BlobStore (with the fs one, an *os.File). A file without a blob (empty)
// opens as an empty reader. A blob replaced between the look-up and the
// open is gone: the look-up is tried again.
func (f *Folder) Open(ctx context.Context, p string) (io.ReadSeekCloser, *FileInfo, error) {
	for try := 0; ; try++ {
		fi, err := f.Stat(ctx, p)
		if err != nil {
			return nil, nil, err
		}
		if fi.IsDir {
			return nil, fi, errorf(ErrConflict, "a folder has no contents")
		}
		if fi.blob == "" {
			return nopCloser{strings.NewReader("")}, fi, nil
		}
		r, err := f.s.blobs.Open(ctx, fi.blob)
		if err == nil {
			return r, fi, nil
		}
		if !errors.Is(err, ErrBlobGone) || try == 3 {
			return nil, nil, err
		}
	}
}

type nopCloser struct{ *strings.Reader }

func (nopCloser) Close() error { return nil }
