package groups

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"time"
)

// blobChunk is the size of a chunk of the postgres BlobStore: every chunk
// of a blob holds this many bytes but the last.
const blobChunk = 1 << 20

// pgBlobs is the BlobStore in PostgreSQL: a blob is a row of blobs (name,
// size, commit time) and its chunks in blob_chunks, written and read one
// chunk at a time. A blob being written is one open transaction, which
// its Commit commits: until then no other connection sees it, and an
// upload that fails or whose node dies leaves nothing. A reader reads in
// one REPEATABLE READ transaction, so that a blob removed meanwhile (the
// file was overwritten) still reads whole, as an open file does. Each
// writer and reader holds a connection of the pool db for its duration.
// Writers stream their chunks with COPY (blob_pg_write.go).
type pgBlobs struct{ db *sqlDB }

func (b *pgBlobs) Open(ctx context.Context, name string) (io.ReadSeekCloser, error) {
	tx, err := b.db.readTx(ctx)
	if err != nil {
		return nil, err
	}
	r := &pgBlobReader{ctx: ctx, tx: tx, name: name}
	err = tx.QueryRowContext(ctx, `SELECT size FROM blobs WHERE name = ?`, name).Scan(&r.size)
	if errors.Is(err, sql.ErrNoRows) {
		err = fmt.Errorf("%w: %s", ErrBlobGone, name)
	}
	if err != nil {
		tx.Rollback()
		return nil, err
	}
	return r, nil
}

// Remove deletes the blob's row; its chunks go with it (ON DELETE
// CASCADE).
func (b *pgBlobs) Remove(ctx context.Context, name string) error {
	_, err := b.db.ExecContext(ctx, `DELETE FROM blobs WHERE name = ?`, name)
	return err
}

func (b *pgBlobs) List(ctx context.Context) (map[string]time.Time, error) {
	rows, err := b.db.QueryContext(ctx, `SELECT name, created FROM blobs`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]time.Time{}
	for rows.Next() {
		var n string
		var c int64
		if err := rows.Scan(&n, &c); err != nil {
			return nil, err
		}
		out[n] = time.Unix(c, 0)
	}
	return out, rows.Err()
}

// pgBlobReader reads a blob chunk by chunk, keeping one chunk.
type pgBlobReader struct {
	ctx  context.Context
	tx   *sqlTx
	name string
	size int64
	off  int64
	seq  int64 // the chunk in buf; -1 none
	buf  []byte
}

func (r *pgBlobReader) Read(p []byte) (int, error) {
	if r.off >= r.size {
		return 0, io.EOF
	}
	seq := r.off / blobChunk
	if r.buf == nil || r.seq != seq {
		if err := r.load(seq); err != nil {
			return 0, err
		}
	}
	n := copy(p, r.buf[r.off-seq*blobChunk:])
	r.off += int64(n)
	return n, nil
}

// load reads chunk seq into buf, reusing its memory.
func (r *pgBlobReader) load(seq int64) error {
	rows, err := r.tx.QueryContext(r.ctx, `SELECT data FROM blob_chunks WHERE name = ? AND seq = ?`, r.name, seq)
	if err != nil {
		return err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return err
		}
		return fmt.Errorf("groups: blob %s: chunk %d missing", r.name, seq)
	}
	var raw sql.RawBytes
	if err := rows.Scan(&raw); err != nil {
		return err
	}
	if r.buf == nil {
		r.buf = make([]byte, 0, blobChunk)
	}
	r.buf, r.seq = append(r.buf[:0], raw...), seq
	if want := min(blobChunk, r.size-seq*blobChunk); int64(len(r.buf)) != want {
		return fmt.Errorf("groups: blob %s: chunk %d holds %d bytes, not %d", r.name, seq, len(r.buf), want)
	}
	return rows.Close()
}

func (r *pgBlobReader) Seek(off int64, whence int) (int64, error) {
	switch whence {
	case io.SeekCurrent:
		off += r.off
	case io.SeekEnd:
		off += r.size
	}
	if off < 0 {
		return 0, errors.New("groups: seek before the start of a blob")
	}
	r.off = off
	return off, nil
}

// Close ends the read transaction.
func (r *pgBlobReader) Close() error { return r.tx.Rollback() }
