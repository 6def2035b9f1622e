package groups

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"time"
)

// Upload is a new version of a file being written. Its bytes go to a
// temporary file beside the blobs; Commit makes them durable (fsync,
// rename into the blob directory) and only then replaces the file's row,
// so that a failed or cancelled upload leaves the previous version intact.
type Upload struct {
	f        *Folder
	path     string
	tmp      *os.File
	size     int64
	limit    int64 // bytes the upload may hold before the quota is hit
	etag     string
	modified time.Time
	props    []PropPatch
	complete bool
	done     bool
}

// writebackChunk is how often an upload starts the writeback of what it
// wrote.
const writebackChunk = 8 << 20

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
	if err := os.MkdirAll(tempDir, 0o700); err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp(tempDir, "put-*")
	if err != nil {
		return nil, err
	}
	return &Upload{f: f, path: p, tmp: tmp, limit: quota - used + old, etag: newETag(),
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
	n, err := u.tmp.Write(p)
	if done := u.size + int64(n); done/writebackChunk > u.size/writebackChunk {
		startWriteback(u.tmp, done/writebackChunk*writebackChunk-writebackChunk, writebackChunk)
	}
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
	u.tmp.Close()
	os.Remove(u.tmp.Name())
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
		blob = newBlobName()
		if err := u.persist(blob); err != nil {
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
		os.Remove(u.f.s.BlobPath(blob))
	}
	return fi, err
}

// persist fsyncs the temporary file and renames it to the blob name, then
// fsyncs the blob directory so that the rename survives a crash.
func (u *Upload) persist(blob string) error {
	if err := u.tmp.Sync(); err != nil {
		return err
	}
	if err := u.tmp.Close(); err != nil {
		return err
	}
	u.done = true
	dst := u.f.s.BlobPath(blob)
	if err := os.Rename(u.tmp.Name(), dst); err != nil {
		os.Remove(u.tmp.Name())
		return err
	}
	d, err := os.Open(filepath.Dir(dst))
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
