package groups

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/binary"
	"errors"
	"io"
	"time"

	"github.com/jackc/pgx/v5/stdlib"
)

// Create starts the blob: a transaction on a connection of its own that
// inserts the blob's row, then binary COPY ... FROM STDIN statements that
// stream its chunks as they fill, copyChunks chunks each. COPY sends what
// it is given in pieces of 64 KiB from a pooled buffer; an INSERT per
// chunk copied each chunk twice more into fresh memory.
func (b *pgBlobs) Create(ctx context.Context, _, name string) (BlobWriter, error) {
	conn, err := b.db.DB.Conn(ctx)
	if err != nil {
		return nil, err
	}
	w := &pgBlobWriter{ctx: ctx, conn: conn, d: b.db.d, name: name, buf: make([]byte, 0, blobChunk)}
	if _, err := conn.ExecContext(ctx, `BEGIN`); err != nil {
		conn.Close()
		return nil, err
	}
	if _, err := conn.ExecContext(ctx, w.d.bind(`INSERT INTO blobs (name, size, created) VALUES (?, 0, 0)`), name); err != nil {
		w.Abort()
		return nil, err
	}
	return w, nil
}

// copyChunks is how many chunks one COPY statement carries. PostgreSQL
// buffers the rows of a binary COPY until it holds 1,000 of them (its
// buffer's byte bound counts text lines only), so one COPY for the whole
// blob kept up to 1,000 MiB in the server process and then wrote them
// all at once, reading nothing from the upload meanwhile (long enough for
// the HTTP body's rate guard to answer 408). Ending the COPY every
// copyChunks bounds that to copyChunks MiB.
const copyChunks = 16

// startCopy begins a COPY of chunks on the blob's connection.
func (w *pgBlobWriter) startCopy() error {
	pr, pw := io.Pipe()
	copied := make(chan error, 1)
	w.pw, w.copied, w.inCopy = pw, copied, 0
	go func() {
		err := w.conn.Raw(func(dc any) error {
			_, err := dc.(*stdlib.Conn).Conn().PgConn().CopyFrom(w.ctx, pr,
				`COPY blob_chunks (name, seq, data) FROM STDIN WITH (FORMAT binary)`)
			return err
		})
		pr.CloseWithError(err) // a failed COPY fails the next Write
		copied <- err
	}()
	_, err := pw.Write(append([]byte("PGCOPY\n\xff\r\n\x00"), 0, 0, 0, 0, 0, 0, 0, 0))
	return err
}

// endCopy ends the COPY in progress and waits for its outcome.
func (w *pgBlobWriter) endCopy() error {
	if _, err := w.pw.Write([]byte{0xff, 0xff}); err != nil {
		return err
	}
	w.pw.Close()
	err := <-w.copied
	w.pw, w.copied = nil, nil
	return err
}

// pgBlobWriter gathers a chunk and hands it to the COPY when full;
// Commit sends the last one, ends the COPY, sets the blob's size and
// commits.
type pgBlobWriter struct {
	ctx    context.Context // Create's: the COPYs run under it
	conn   *sql.Conn
	d      *dialect
	name   string
	buf    []byte
	seq    int64
	size   int64
	pw     *io.PipeWriter // the COPY in progress, or nil
	copied chan error     // its outcome
	inCopy int            // chunks it carries so far
	done   bool
}

func (w *pgBlobWriter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		k := copy(w.buf[len(w.buf):cap(w.buf)], p)
		w.buf, p = w.buf[:len(w.buf)+k], p[k:]
		if len(w.buf) == cap(w.buf) {
			if err := w.flush(); err != nil {
				return n - len(p), err
			}
		}
	}
	return n, nil
}

// flush sends the chunk in buf as one COPY tuple: 3 fields, each its
// length then its bytes (text, int8 big-endian, bytea).
func (w *pgBlobWriter) flush() error {
	if len(w.buf) == 0 {
		return nil
	}
	if w.pw == nil {
		if err := w.startCopy(); err != nil {
			return err
		}
	}
	h := binary.BigEndian.AppendUint16(nil, 3)
	h = binary.BigEndian.AppendUint32(h, uint32(len(w.name)))
	h = append(h, w.name...)
	h = binary.BigEndian.AppendUint32(h, 8)
	h = binary.BigEndian.AppendUint64(h, uint64(w.seq))
	h = binary.BigEndian.AppendUint32(h, uint32(len(w.buf)))
	if _, err := w.pw.Write(h); err != nil {
		return err
	}
	if _, err := w.pw.Write(w.buf); err != nil {
		return err
	}
	w.seq++
	w.size += int64(len(w.buf))
	w.buf = w.buf[:0]
	if w.inCopy++; w.inCopy == copyChunks {
		return w.endCopy()
	}
	return nil
}

// Commit sends the last chunk, ends the COPY, writes the size and the
// time, and commits.
func (w *pgBlobWriter) Commit(ctx context.Context) error {
	if w.done {
		return errors.New("groups: blob writer already closed")
	}
	defer w.Abort()
	if err := w.flush(); err != nil {
		return err
	}
	if w.pw != nil {
		if err := w.endCopy(); err != nil {
			return err
		}
	}
	if _, err := w.conn.ExecContext(ctx, w.d.bind(`UPDATE blobs SET size = ?, created = ? WHERE name = ?`),
		w.size, time.Now().Unix(), w.name); err != nil {
		return err
	}
	if _, err := w.conn.ExecContext(ctx, `COMMIT`); err != nil {
		return err
	}
	w.done = true
	w.conn.Close()
	return nil
}

var errBlobAborted = errors.New("groups: upload aborted")

// Abort ends the COPY if it runs, rolls back and gives the connection
// back (or drops it when the rollback failed).
func (w *pgBlobWriter) Abort() {
	if w.done {
		return
	}
	w.done = true
	if w.copied != nil {
		w.pw.CloseWithError(errBlobAborted)
		<-w.copied
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := w.conn.ExecContext(ctx, `ROLLBACK`); err != nil {
		w.conn.Raw(func(any) error { return driver.ErrBadConn })
	}
	w.conn.Close()
}
