package groups

import (
	"context"
	"errors"
	"io"
	"time"
)

// Upload is a new version of a file being written. Its bytes go to a new
// blob of the BlobStore (with the fs one, a temporary file beside the
// blobs); Commit makes them durable (fsync and rename into the blob
// directory, or the blob's database commit) and only then replaces the
// file's row, so that a failed or cancelled upload leaves the previous
// version intact.
type Upload struct {
	f        *Folder
	path     string
	blob     string
	w        BlobWriter
	size     int64
	limit    int64 // bytes the upload may hold before the quota is hit
	etag     string
	modified time.Time
	props    []PropPatch
	complete bool
	done     bool
}

// ErrIncomplete is returned by Upload.Commit when the body was not read to
// its end.
var ErrIncomplete = errors.New("groups: upload incomplete")

// BeginUpload starts a new version of the file at p, its bytes kept in
// tempDir until Commit. The parent must be a directory and p not one.
func (f *Folder) BeginUpload(ctx context.Context, p, tempDir string) (*Upload, error) {
	if err := f.checkWrite(); err != nil {
		return nil, err
	}
	if err := CheckNewFilePath(p); err != nil {
		return nil, err
	}
	if p == "" {
		return nil, errorf(ErrConflict, "the folder itself is not a file")
	}
	parent, err := f.Stat(ctx, parentPath(p))
	if err != nil {
		return nil, err
	}
	if !parent.IsDir {
		return nil, errorf(ErrNotFound, "the parent is not a folder")
	}
	old := int64(-FolderEntryBytes) // a new entry counts too
	if fi, err := f.Stat(ctx, p); err == nil {
		if fi.IsDir {
			return nil, errorf(ErrConflict, "%s is a folder", p)
		}
		old = fi.Size
	}
	used, quota, err := f.Usage(ctx)
	if err != nil {
		return nil, err
	}
	blob := newBlobName()
	w, err := f.s.blobs.Create(ctx, tempDir, blob)
	if err != nil {
		return nil, err
	}
	return &Upload{f: f, path: p, blob: blob, w: w, limit: quota - used + old, etag: newETag(),
		modified: f.s.opts.Now().UTC()}, nil
}

// Size is the number of bytes written so far.
func (u *Upload) Size() int64 { return u.size }

// ETag is the ETag the file will have once committed.
func (u *Upload) ETag() string { return u.etag }

// Modified is the modification time the file will have.
func (u *Upload) Modified() time.Time { return u.modified }

// ReadFrom copies r to the upload until r's end, which marks the upload
// complete. Past the quota it stops with ErrTooLarge.
func (u *Upload) ReadFrom(r io.Reader) (int64, error) {
	buf := make([]byte, 256<<10)
	var n int64
	for {
		// Fill the buffer before writing: fewer, larger writes.
		k := 0
		var rerr error
		for k < len(buf) && rerr == nil {
			var m int
			m, rerr = r.Read(buf[k:])
			k += m
		}
		if k > 0 {
			if _, err := u.Write(buf[:k]); err != nil {
				return n, err
			}
			n += int64(k)
		}
		if rerr == io.EOF {
			u.complete = true
			return n, nil
		}
		if rerr != nil {
			return n, rerr
		}
	}
}

// Write appends p. Only ReadFrom reaching the end marks the upload
// complete.
func (u *Upload) Write(p []byte) (int, error) {
	if u.size+int64(len(p)) > u.limit {
		return 0, errorf(ErrTooLarge, QuotaExceeded)
	}
	n, err := u.w.Write(p)
	u.size += int64(n)
	return n, err
}

// SetProps records dead properties to set on commit (COPY carries them);
// the properties the file had before are dropped then: the new version
// has the source's.
func (u *Upload) SetProps(p PropPatch) { u.props = append(u.props, p) }

// Abort drops the upload; the previous version stays.
func (u *Upload) Abort() {
	if u.done {
		return
	}
	u.done = true
	u.w.Abort()
}

// Commit makes the upload the file's current version. It fails with
// ErrIncomplete, and changes nothing, unless ReadFrom reached the end.
func (u *Upload) Commit(ctx context.Context) (*FileInfo, error) {
	if u.done {
		return nil, ErrIncomplete
	}
	if !u.complete {
		u.Abort()
		return nil, ErrIncomplete
	}
	defer u.Abort()
	blob := ""
	if u.size > 0 {
		blob = u.blob
		if err := u.w.Commit(ctx); err != nil {
			return nil, err
		}
	}
	var fi *FileInfo
	err := u.f.s.write(context.WithoutCancel(ctx), func(tx *wtx) error {
		var err error
		fi, err = u.commitTx(ctx, tx, blob)
		return err
	})
	if err != nil && blob != "" {
		u.f.s.blobs.Remove(context.WithoutCancel(ctx), blob)
	}
	return fi, err
}
