package groups

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"groupd/internal/notice"
)

var errNoRows = sql.ErrNoRows

// Options configure a Store.
type Options struct {
	// Driver is the database: DriverSQLite ("sqlite", the default) or
	// DriverPostgres ("postgres").
	Driver string
	// Path of the SQLite database file. Required with SQLite; unused with
	// PostgreSQL.
	Path string
	// DSN is the PostgreSQL connection string (a URL or key=value pairs).
	// Required with PostgreSQL; unused with SQLite.
	DSN string
	// Blobs is where folder contents are kept (the BlobStore): BlobsFS,
	// files in BlobDir, or BlobsPostgres, chunks in the PostgreSQL
	// database. Default: BlobsFS with SQLite, BlobsPostgres with
	// PostgreSQL.
	Blobs string
	// BlobDir holds folder contents with the fs BlobStore (and the
	// upload temporaries under it). Default with SQLite: "blobs" beside
	// Path. With PostgreSQL and the fs BlobStore it is required: every
	// node must see the same directory.
	BlobDir string
	// MailDomains are the domains whose addresses groupd hosts; the first
	// is used for default list addresses. Required.
	MailDomains []string
	// InternalDomains are the organisation's own mail domains. Required.
	InternalDomains []string
	// Hostname names this server in notification mail. Default: the
	// first mail domain.
	Hostname string
	// Logger. Default: discard.
	Logger *slog.Logger
	// Now returns the current time. Default: time.Now.
	Now func() time.Time
	// BusyTimeout is how long a statement waits for a lock (SQLite's
	// busy_timeout, PostgreSQL's lock_timeout). Default 5s.
	BusyTimeout time.Duration
	// HashParams set the argon2id cost. Default: DefaultHashParams().
	HashParams *HashParams
	// Throttle bounds failed logins (see ThrottleOptions for defaults).
	Throttle ThrottleOptions
	// Language is the organisation's language, in which notices are
	// written: "en" or "ko". Default: "en".
	Language string
	// PublicURL is the daemon's public base URL (config public_url,
	// without a trailing slash), for console links in notices; "" for
	// none.
	PublicURL string
	// NodeID names this Store among the nodes on one PostgreSQL
	// database: on the change feed and in the claims of queue rows.
	// Default: random at Open.
	NodeID string
	// Lease is how long a claim of queue rows (or of posts to index)
	// lasts without renewal (RenewClaims) before another node may take
	// them over (PostgreSQL). Default 1 minute.
	Lease time.Duration
}

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
	notices  *notice.Catalog // notice texts in the organisation's language
	thumbs   chan struct{}   // one image decode at a time (notes_attach_image.go)
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
	notices, err := notice.Load(opts.Language)
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

func (o *Options) fill() error {
	if err := o.fillDB(); err != nil {
		return err
	}
	if err := o.fillBlobs(); err != nil {
		return err
	}
	if len(o.MailDomains) == 0 || len(o.InternalDomains) == 0 {
		return errors.New("groups: MailDomains and InternalDomains are required")
	}
	if o.Hostname == "" {
		o.Hostname = o.MailDomains[0]
	}
	if o.Language == "" {
		o.Language = "en"
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.NodeID == "" {
		o.NodeID = newNodeID()
	}
	if strings.ContainsAny(o.NodeID, "/\\") || strings.Trim(o.NodeID, ".") == "" {
		return fmt.Errorf("groups: Options.NodeID %q: no slashes, not only dots", o.NodeID)
	}
	if o.Lease <= 0 {
		o.Lease = time.Minute
	}
	if o.BusyTimeout == 0 {
		o.BusyTimeout = 5 * time.Second
	}
	if o.HashParams == nil {
		p := DefaultHashParams()
		o.HashParams = &p
	}
	for i, d := range o.MailDomains {
		o.MailDomains[i] = strings.ToLower(d)
	}
	for i, d := range o.InternalDomains {
		o.InternalDomains[i] = strings.ToLower(d)
	}
	return nil
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
