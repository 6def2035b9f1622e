package groups

import (
	"context"
	"errors"
	"io"
	"testing"
)

// putBlob stores a committed blob of the given contents under name, as
// an upload's Commit does before its row.
func putBlob(t testing.TB, s *Store, name, contents string) {
	t.Helper()
	ctx := context.Background()
	w, err := s.blobs.Create(ctx, s.BlobPath(".uploads"), name)
	if err == nil {
		_, err = w.Write([]byte(contents))
	}
	if err == nil {
		err = w.Commit(ctx)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// hasBlob reports whether the BlobStore holds name.
func hasBlob(t testing.TB, s *Store, name string) bool {
	t.Helper()
	r, err := s.blobs.Open(context.Background(), name)
	if errors.Is(err, ErrBlobGone) {
		return false
	}
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	return true
}

// readFile is the contents of the file at p of f, read through Open.
func readFile(t testing.TB, f *Folder, p string) string {
	t.Helper()
	r, _, err := f.Open(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
