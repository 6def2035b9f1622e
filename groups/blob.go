package groups

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// Blob stores that Options.Blobs names.
const (
	BlobsFS       = "fs"       // files in Options.BlobDir (the default with SQLite)
	BlobsPostgres = "postgres" // chunks in the database (the default with PostgreSQL)
)

// BlobStore holds the contents of folder files and note attachments
// (with their thumbnails), each under a name of 32
// hex digits that never changes once committed. The store reaches folder
// contents through it alone: the fs implementation keeps today's blob
// directory (blob_fs.go), the postgres one keeps 1 MiB chunks in the
// database (blob_pg.go), so that a node keeps nothing on its own disk and
// any node serves any file. Both stream: no blob is ever whole in memory.
type BlobStore interface {
	// Create starts the blob name (a new one). Its bytes stay invisible
	// (the fs store keeps them in a temporary file in tempDir) until
	// Commit.
	Create(ctx context.Context, tempDir, name string) (BlobWriter, error)
	// Open opens a committed blob; an error wrapping ErrBlobGone when it
	// is not there (removed after the caller looked it up).
	Open(ctx context.Context, name string) (io.ReadSeekCloser, error)
	// Remove deletes a blob; nil when it is already gone.
	Remove(ctx context.Context, name string) error
	// List gives every committed blob and when it was committed.
	List(ctx context.Context) (map[string]time.Time, error)
}

// BlobWriter is a blob being written.
type BlobWriter interface {
	io.Writer
	// Commit makes the bytes durable under the blob's name (fsync, or
	// the database commit) before it returns.
	Commit(ctx context.Context) error
	// Abort drops what was written; after Commit it does nothing.
	Abort()
}

// ErrBlobGone is what BlobStore.Open answers for a blob that is not there.
var ErrBlobGone = errors.New("groups: blob not found")

// fillBlobs fills o.Blobs with its default and checks it against the
// driver: the postgres store needs the PostgreSQL database.
func (o *Options) fillBlobs() error {
	switch o.Blobs {
	case "":
		o.Blobs = BlobsFS
		if o.Driver == DriverPostgres {
			o.Blobs = BlobsPostgres
		}
	case BlobsFS:
	case BlobsPostgres:
		if o.Driver != DriverPostgres {
			return fmt.Errorf("groups: Options.Blobs %q needs Driver %q", BlobsPostgres, DriverPostgres)
		}
	default:
		return fmt.Errorf("groups: Options.Blobs %q: want %q or %q", o.Blobs, BlobsFS, BlobsPostgres)
	}
	if o.Blobs == BlobsFS && o.BlobDir == "" {
		return errors.New("groups: Options.BlobDir is required with the fs blob store on PostgreSQL")
	}
	return nil
}

// Blobs is the name of the store's BlobStore: BlobsFS or BlobsPostgres.
func (s *Store) Blobs() string { return s.opts.Blobs }

// openBlobs sets up the store's BlobStore. The postgres one has a pool of
// its own (cfg is the database's): each upload and download holds one of
// its connections while it lasts, and must not starve the readers.
func (s *Store) openBlobs(cfg *pgx.ConnConfig) {
	if s.opts.Blobs != BlobsPostgres {
		s.blobs = &fsBlobs{dir: s.opts.BlobDir}
		return
	}
	s.blobDB = &sqlDB{DB: stdlib.OpenDB(*cfg), d: s.d}
	s.blobDB.SetMaxOpenConns(maxBlobConns)
	s.blobDB.SetMaxIdleConns(4)
	s.blobs = &pgBlobs{db: s.blobDB}
}

// maxBlobConns bounds the uploads and downloads in progress at once on a
// node with the postgres BlobStore; more wait for a connection.
const maxBlobConns = 64

// sweepLocked runs fn unless another node is sweeping blobs: on
// PostgreSQL under a session advisory lock (pg_try_advisory_lock) held by
// one connection for fn's duration; ran is false when another node held
// it. On SQLite there is one process: fn just runs.
func (s *Store) sweepLocked(ctx context.Context, fn func() error) (ran bool, err error) {
	if !s.d.pg {
		return true, fn()
	}
	conn, err := s.rdb.Conn(ctx)
	if err != nil {
		return false, err
	}
	defer conn.Close()
	lock := fmt.Sprintf("%d", pgSweepLock)
	if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock(`+lock+`)`).Scan(&ran); err != nil || !ran {
		return false, err
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(`+lock+`)`)
	return true, fn()
}
