package groups

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	_ "github.com/mattn/go-sqlite3" // the SQLite driver, registered as "sqlite3"

	"groupd/internal/notice"
)

var errNoRows = sql.ErrNoRows

// Options configure a Store.
type Options struct {
	// Path of the SQLite database file. Required.
	Path string
	// BlobDir holds folder contents. Default: "blobs" beside Path.
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
	// BusyTimeout is how long a statement waits for a lock. Default 5s.
	BusyTimeout time.Duration
	// HashParams set the argon2id cost. Default: DefaultHashParams().
	HashParams *HashParams
	// Throttle bounds failed logins (see ThrottleOptions for defaults).
	Throttle ThrottleOptions
	// Language is the organisation's language, in which notices are
	// written: "en" or "ko". Default: "en".
	Language string
}

// Store is the groups model on SQLite. It is safe for concurrent use.
type Store struct {
	opts     Options
	log      *slog.Logger
	rdb      *sql.DB // readers: many connections
	wdb      *sql.DB // the writer: one connection, BEGIN IMMEDIATE
	feed     *feed
	auth     *authCache
	throttle *throttle
	notices  *notice.Catalog // notice texts in the organisation's language
	close    sync.Once
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// Language is the organisation's language, "en" or "ko": that of the
// notices, and of the names the DAV handlers give collections.
func (s *Store) Language() string { return s.opts.Language }

// Open opens (creating if needed) the database at opts.Path and migrates it
// to the current schema.
func Open(opts Options) (*Store, error) {
	if err := opts.fill(); err != nil {
		return nil, err
	}
	notices, err := notice.Load(opts.Language)
	if err != nil {
		return nil, fmt.Errorf("groups: Options.Language: %w", err)
	}
	if err := os.MkdirAll(opts.BlobDir, 0o700); err != nil {
		return nil, fmt.Errorf("groups: blob dir: %w", err)
	}
	// The database holds password hashes: readable by groupd alone. SQLite
	// gives its -wal and -shm files the main file's mode.
	f, err := os.OpenFile(opts.Path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("groups: create %s: %w", opts.Path, err)
	}
	f.Close()
	s := &Store{opts: opts, log: opts.Logger, feed: newFeed(), auth: newAuthCache(), throttle: newThrottle(opts.Throttle),
		notices: notices}
	if s.wdb, err = openDB(opts, true); err != nil {
		return nil, err
	}
	if s.rdb, err = openDB(opts, false); err != nil {
		s.wdb.Close()
		return nil, err
	}
	if err := migrate(context.Background(), s.wdb, len(migrationFiles())); err != nil {
		s.Close()
		return nil, err
	}
	s.sweepBlobTrash(context.Background())
	return s, nil
}

func (o *Options) fill() error {
	if o.Path == "" {
		return errors.New("groups: Options.Path is required")
	}
	if len(o.MailDomains) == 0 || len(o.InternalDomains) == 0 {
		return errors.New("groups: MailDomains and InternalDomains are required")
	}
	if o.BlobDir == "" {
		o.BlobDir = filepath.Join(filepath.Dir(o.Path), "blobs")
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

func openDB(o Options, writer bool) (*sql.DB, error) {
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_foreign_keys", "on")
	q.Set("_busy_timeout", fmt.Sprint(o.BusyTimeout.Milliseconds()))
	q.Set("_synchronous", "FULL")
	// Deleted rows are overwritten with zeros, not left in free pages
	// (purges, group deletions: see forget in purge.go).
	q.Set("_secure_delete", "on")
	// Each connection keeps its prepared statements: the mail path runs
	// the same few statements for every post, and preparing them again
	// cost more than running them. (The driver's cache serves Exec and
	// Query with their SQL, not an explicit Prepare: run statements
	// directly.)
	q.Set("_stmt_cache_size", "128")
	if writer {
		q.Set("_txlock", "immediate")
	} else {
		q.Set("mode", "rw")
	}
	db, err := sql.Open("sqlite3", "file:"+o.Path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("groups: open %s: %w", o.Path, err)
	}
	if writer {
		db.SetMaxOpenConns(1)
	} else {
		db.SetMaxOpenConns(8)
	}
	db.SetMaxIdleConns(8)
	db.SetConnMaxIdleTime(0)
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, fmt.Errorf("groups: open %s: %w", o.Path, err)
	}
	return db, nil
}

// Close closes the database. The change feed's subscribers see their
// channels closed.
func (s *Store) Close() error {
	var err error
	s.close.Do(func() {
		s.feed.close()
		if s.rdb != nil {
			err = s.rdb.Close()
		}
		if e := s.wdb.Close(); err == nil {
			err = e
		}
	})
	return err
}

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	return s.rdb.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// write runs fn in an immediate transaction on the writer connection and
// publishes the changes fn recorded after the commit.
func (s *Store) write(ctx context.Context, fn func(tx *wtx) error) error {
	sqlTx, err := s.wdb.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	tx := &wtx{Tx: sqlTx, now: s.opts.Now().UTC()}
	if err := fn(tx); err != nil {
		sqlTx.Rollback()
		return err
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
	*sql.Tx
	now     time.Time
	changes []Change
	trash   []string
}

func (tx *wtx) emit(c Change) { tx.changes = append(tx.changes, c) }

func (tx *wtx) unix() int64 { return tx.now.Unix() }
