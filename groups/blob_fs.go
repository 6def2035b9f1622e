package groups

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// fsBlobs is the BlobStore of one directory: a blob is the file named
// after it, written to a temporary file first and renamed into the
// directory only once fsynced, so that a crash leaves either the whole
// blob or none.
type fsBlobs struct{ dir string }

// writebackChunk is how often an upload starts the writeback of what it
// wrote.
const writebackChunk = 8 << 20

func (b *fsBlobs) Create(_ context.Context, tempDir, name string) (BlobWriter, error) {
	if err := os.MkdirAll(tempDir, 0o700); err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp(tempDir, "put-*")
	if err != nil {
		return nil, err
	}
	return &fsBlobWriter{dst: filepath.Join(b.dir, name), tmp: tmp}, nil
}

func (b *fsBlobs) Open(_ context.Context, name string) (io.ReadSeekCloser, error) {
	f, err := os.Open(filepath.Join(b.dir, name))
	if os.IsNotExist(err) {
		return nil, fmt.Errorf("%w: %s", ErrBlobGone, name)
	}
	return f, err
}

func (b *fsBlobs) Remove(_ context.Context, name string) error {
	if err := os.Remove(filepath.Join(b.dir, name)); err != nil && !os.IsNotExist(err) {
		return err
	}
	return nil
}

func (b *fsBlobs) List(context.Context) (map[string]time.Time, error) {
	ents, err := os.ReadDir(b.dir)
	if err != nil {
		return nil, err
	}
	out := map[string]time.Time{}
	for _, e := range ents {
		if !e.Type().IsRegular() || !isBlobName(e.Name()) {
			continue
		}
		if fi, err := e.Info(); err == nil {
			out[e.Name()] = fi.ModTime()
		}
	}
	return out, nil
}

// fsBlobWriter writes a temporary file, starting its writeback every
// writebackChunk bytes so that the fsync at the end has little left.
type fsBlobWriter struct {
	dst  string
	tmp  *os.File
	size int64
	done bool
}

func (w *fsBlobWriter) Write(p []byte) (int, error) {
	n, err := w.tmp.Write(p)
	if done := w.size + int64(n); done/writebackChunk > w.size/writebackChunk {
		startWriteback(w.tmp, done/writebackChunk*writebackChunk-writebackChunk, writebackChunk)
	}
	w.size += int64(n)
	return n, err
}

func (w *fsBlobWriter) Abort() {
	if w.done {
		return
	}
	w.done = true
	w.tmp.Close()
	os.Remove(w.tmp.Name())
}

// Commit fsyncs the temporary file and renames it to the blob name, then
// fsyncs the blob directory so that the rename survives a crash.
func (w *fsBlobWriter) Commit(context.Context) error {
	if err := w.tmp.Sync(); err != nil {
		return err
	}
	if err := w.tmp.Close(); err != nil {
		return err
	}
	w.done = true
	if err := os.Rename(w.tmp.Name(), w.dst); err != nil {
		os.Remove(w.tmp.Name())
		return err
	}
	d, err := os.Open(filepath.Dir(w.dst))
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
