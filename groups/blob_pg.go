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

// pgBlobReader reads a blob's chunks in order with one statement, from
// the chunk of the first Read on: PostgreSQL sends them one behind the
// other while the reader's caller writes them on, where a statement per
// chunk left the server idle while the chunk was sent, and paid a round
// trip each (bench/webdav.sh, DB=postgres: GET 361 MB/s against
// PostgreSQL's own COPY out at 624). A Seek to anywhere but the next
// chunk starts a new statement there. A chunk is read from the driver's
// memory, valid until the next row.
type pgBlobReader struct {
	ctx  context.Context
	tx   *sqlTx
	name string
	size int64
	off  int64
	rows *sql.Rows // the chunks from some seq on; nil: none open
	seq  int64     // the chunk in cur
	cur  []byte    // nil: none
}

func (r *pgBlobReader) Read(p []byte) (int, error) {
	if r.off >= r.size {
		return 0, io.EOF
	}
	seq := r.off / blobChunk
	if r.cur == nil || r.seq != seq {
		if err := r.load(seq); err != nil {
			return 0, err
		}
	}
	n := copy(p, r.cur[r.off-seq*blobChunk:])
	r.off += int64(n)
	return n, nil
}

// load makes chunk seq current: the next row of the open statement when
// it is the chunk after the current one, else from a new statement.
func (r *pgBlobReader) load(seq int64) error {
	if r.rows == nil || r.cur == nil || seq != r.seq+1 {
		if err := r.closeRows(); err != nil {
			return err
		}
		rows, err := r.tx.QueryContext(r.ctx, `SELECT seq, data FROM blob_chunks
			WHERE name = ? AND seq >= ? ORDER BY seq`, r.name, seq)
		if err != nil {
			return err
		}
		r.rows = rows
	}
	r.cur = nil
	if !r.rows.Next() {
		if err := r.rows.Err(); err != nil {
			return err
		}
		return fmt.Errorf("groups: blob %s: chunk %d missing", r.name, seq)
	}
	var got int64
	var raw sql.RawBytes
	if err := r.rows.Scan(&got, &raw); err != nil {
		return err
	}
	if got != seq {
		return fmt.Errorf("groups: blob %s: chunk %d missing", r.name, seq)
	}
	if want := min(blobChunk, r.size-seq*blobChunk); int64(len(raw)) != want {
		return fmt.Errorf("groups: blob %s: chunk %d holds %d bytes, not %d", r.name, seq, len(raw), want)
	}
	r.cur, r.seq = raw, seq
	return nil
}

func (r *pgBlobReader) closeRows() error {
	if r.rows == nil {
		return nil
	}
	err := r.rows.Close()
	r.rows, r.cur = nil, nil
	return err
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

// Close ends the statement and the read transaction.
func (r *pgBlobReader) Close() error {
	r.closeRows()
	return r.tx.Rollback()
}
