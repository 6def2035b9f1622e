package groups

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"testing"
)

// TestBlobReaderSeeks reads a blob of several chunks (the postgres
// BlobStore's 1 MiB) as a client's Range requests and a whole GET do:
// reads of every size, seeks forward, back, within a chunk and across
// chunks, to the end and past it. Every read gives the bytes and errors
// a bytes.Reader over the same contents gives.
func TestBlobReaderSeeks(t *testing.T) {
	s := newStore(t)
	r := rand.New(rand.NewPCG(7, 8))
	data := make([]byte, 3*blobChunk+blobChunk/2+17)
	for i := range data {
		data[i] = byte(r.Uint32())
	}
	putBlob(t, s, "0123456789abcdef0123456789abcdef", string(data))
	got, err := s.blobs.Open(context.Background(), "0123456789abcdef0123456789abcdef")
	if err != nil {
		t.Fatal(err)
	}
	defer got.Close()
	if b, err := io.ReadAll(got); err != nil || !bytes.Equal(b, data) {
		t.Fatalf("whole read: %d bytes, %v; want %d bytes equal", len(b), err, len(data))
	}
	want := bytes.NewReader(data)
	size := int64(len(data))
	for i := range 300 {
		var off int64
		whence := r.IntN(3)
		switch whence {
		case io.SeekStart:
			off = r.Int64N(size + 10)
		case io.SeekCurrent:
			off = r.Int64N(2*blobChunk) - blobChunk
		case io.SeekEnd:
			off = -r.Int64N(size)
		}
		p1, err1 := want.Seek(off, whence)
		p2, err2 := got.Seek(off, whence)
		if (err1 == nil) != (err2 == nil) || (err1 == nil && p1 != p2) {
			t.Fatalf("op %d: Seek(%d, %d) = %d, %v; want %d, %v", i, off, whence, p2, err2, p1, err1)
		}
		if err1 != nil {
			continue // neither moved
		}
		n := 1 + r.IntN(3*blobChunk/2)
		b1, b2 := make([]byte, n), make([]byte, n)
		n1, e1 := io.ReadFull(want, b1)
		n2, e2 := io.ReadFull(got, b2)
		if n1 != n2 || !bytes.Equal(b1[:n1], b2[:n2]) || (e1 == nil) != (e2 == nil) {
			t.Fatalf("op %d: read of %d at %d: %d bytes, %v; want %d, %v", i, n, p1, n2, e2, n1, e1)
		}
	}
}
