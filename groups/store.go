package groups

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

var errNoRows = sql.ErrNoRows

// Store is the groups model on SQLite or PostgreSQL. It is safe for
// concurrent use.
type Store struct {
	opts     Options
	log      *slog.Logger
	d        *dialect
	blobs    BlobStore
	blobDB   *sqlDB // the postgres BlobStore's pool, or nil
	rdb      *sqlDB // readers: many connections
	wdb      *sqlDB // the writer: one connection; see write
	feed     *feed
	auth     *authCache
	throttle *throttle
	notices  Notices       // notice texts in the organisation's language (Options.Notices)
	thumbs   chan struct{} // one image decode at a time (notes_attach_image.go)
	close    sync.Once
	// PostgreSQL: this run's id on the change feed and in claims
	// (Options.NodeID, "/", random), and its listener (feed_pg.go).
	node       string
	listenStop context.CancelFunc
	listenDone chan struct{}
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// Language is the organisation's language, "en" or "ko": that of the
// notices, and of the names the DAV handlers give collections.
func (s *Store) Language() string { return s.opts.Language }

// Open opens (creating if needed) the database that opts name (the SQLite
// file at opts.Path, or the PostgreSQL database at opts.DSN) and migrates
// it to the current schema.
func Open(opts Options) (*Store, error) {
	if err := opts.fill(); err != nil {
		return nil, err
	}
	notices, err := opts.Notices(opts.Language)
	if err != nil {
		return nil, fmt.Errorf("groups: Options.Language: %w", err)
	}
	if opts.BlobDir != "" {
		if err := os.MkdirAll(opts.BlobDir, 0o700); err != nil {
			return nil, fmt.Errorf("groups: blob dir: %w", err)
		}
	}
	s := &Store{opts: opts, log: opts.Logger, d: newDialect(opts.Driver), feed: newFeed(), auth: newAuthCache(),
		throttle: newThrottle(opts.Throttle), notices: notices, thumbs: make(chan struct{}, 1), node: opts.NodeID + "/" + newNodeID()}
	var pgCfg *pgx.ConnConfig
	if s.d.pg {
		s.wdb, s.rdb, pgCfg, err = openPostgres(opts, s.d)
	} else {
		s.wdb, s.rdb, err = openSQLite(opts, s.d)
	}
	if err != nil {
		return nil, err
	}
	s.openBlobs(pgCfg)
	if err := migrate(context.Background(), s.wdb, len(migrationFiles(s.d))); err != nil {
		s.Close()
		return nil, err
	}
	if pgCfg != nil {
		if err := s.startListener(pgCfg); err != nil {
			s.Close()
			return nil, fmt.Errorf("groups: change feed: %w", err)
		}
	}
	if s.d.pg {
		if err := s.startNode(context.Background()); err != nil {
			s.Close()
			return nil, err
		}
	}
	s.sweepBlobTrash(context.Background())
	return s, nil
}

// fillDB checks the database options and fills their defaults.
func (o *Options) fillDB() error {
	switch o.Driver {
	case "", DriverSQLite:
		o.Driver = DriverSQLite
		if o.Path == "" {
			return errors.New("groups: Options.Path is required")
		}
		if o.BlobDir == "" {
			o.BlobDir = filepath.Join(filepath.Dir(o.Path), "blobs")
		}
	case DriverPostgres:
		if o.DSN == "" {
			return errors.New("groups: Options.DSN is required with PostgreSQL")
		}
	default:
		return fmt.Errorf("groups: Options.Driver %q: want %q or %q", o.Driver, DriverSQLite, DriverPostgres)
	}
	return nil
}

// Close closes the database. The change feed's subscribers see their
// channels closed.
func (s *Store) Close() error {
	var err error
	s.close.Do(func() {
		if s.listenStop != nil {
			s.listenStop()
			<-s.listenDone
		}
		s.feed.close()
		if s.rdb != nil {
			err = s.rdb.Close()
		}
		if e := s.wdb.Close(); err == nil {
			err = e
		}
		if s.blobDB != nil {
			s.blobDB.Close()
		}
	})
	return err
}

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	return s.rdb.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// write runs fn in a write transaction and publishes the changes fn
// recorded after the commit. Writes are serialised: on SQLite by the one
// writer connection and BEGIN IMMEDIATE; on PostgreSQL by one advisory
// lock that every write transaction takes first (see beginWrite), across
// every node on the database. The rules that check then act (the last
// master, locks, quota, If-Match, flags, the list rate limit, ids) rely
// on it.
func (s *Store) write(ctx context.Context, fn func(tx *wtx) error) error {
	sqlTx, err := s.beginWrite(ctx)
	if err != nil {
		return err
	}
	tx := &wtx{sqlTx: sqlTx, now: s.opts.Now().UTC()}
	if err := fn(tx); err != nil {
		sqlTx.Rollback()
		return err
	}
	if s.d.pg && len(tx.changes) > 0 {
		if err := s.notifyChanges(ctx, tx); err != nil {
			sqlTx.Rollback()
			return err
		}
	}
	if err := sqlTx.Commit(); err != nil {
		return err
	}
	for _, c := range tx.changes {
		s.feed.publish(c)
	}
	if len(tx.trash) > 0 {
		s.sweepBlobTrash(context.WithoutCancel(ctx))
	}
	return nil
}

// wtx is a write transaction with the changes it will publish.
type wtx struct {
	*sqlTx
	now     time.Time
	changes []Change
	trash   []string
}

func (tx *wtx) emit(c Change) { tx.changes = append(tx.changes, c) }

func (tx *wtx) unix() int64 { return tx.now.Unix() }
