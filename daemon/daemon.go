package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"

	"groupd/config"
	"groupd/groups"
	"groupd/internal/budget"
)

// Daemon is one running groupd: its store, listeners and workers.
type Daemon struct {
	cfg    config.Config
	log    *slog.Logger
	bodies bodyLimits     // HTTP request bodies: defaults, shorter in tests
	mem    *budget.Budget // limits.memory_budget, shared by the protocols (budget.go)
	conns  *budget.Budget // limits.max_connections, across the listeners

	mu        sync.Mutex
	state     state
	store     *groups.Store
	token     string
	listeners []*running // constructed, in start order
	workers   []Worker
	stopWork  context.CancelFunc
	serving   sync.WaitGroup // Serve calls
	working   sync.WaitGroup // Worker.Run calls
	failed    chan error     // the first unexpected Serve or Run return
}

type state int

const (
	stateNew state = iota
	stateStarted
	stateStopped
)

// running is a constructed listener and, once bound, its net.Listener.
type running struct {
	Listener
	ln net.Listener
}

// New checks cfg and returns a daemon that is not started. A nil log
// discards.
func New(cfg config.Config, log *slog.Logger) (*Daemon, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Daemon{cfg: cfg, log: log, bodies: defaultBodyLimits(), failed: make(chan error, 1),
		mem: budget.New(cfg.Limits.MemoryBudget), conns: budget.New(int64(cfg.Limits.MaxConnections))}, nil
}

// logger returns the daemon's logger tagged with component=name.
func (d *Daemon) logger(name string) *slog.Logger {
	return d.log.With("component", name)
}

// Start opens the store and the admin token, binds every enabled
// listener, then starts the workers and the servers in order. On any
// failure it rolls back what it opened and returns the error, naming the
// listener for a bind failure ("listen.http: ...: address already in
// use"). A Daemon starts once.
func (d *Daemon) Start(ctx context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.state != stateNew {
		return errors.New("daemon: Start called twice")
	}
	d.state = stateStopped // unless everything below succeeds
	if err := d.open(ctx); err != nil {
		return err
	}
	ls, ws, err := d.components()
	if err != nil {
		d.store.Close()
		return fmt.Errorf("daemon: %w", err)
	}
	if err := d.launch(ctx, ls, ws); err != nil {
		return err
	}
	d.state = stateStarted
	// Where outbound mail goes, and whether it answers (bounded: 3 s).
	go checkRelay(context.WithoutCancel(ctx), d.cfg.Mail.Relay, d.logger("queue"))
	return nil
}

// open creates data_dir and opens the store and the admin token.
func (d *Daemon) open(ctx context.Context) error {
	dir := d.cfg.DataDir
	db := d.cfg.Database
	// The DSN may hold a password: only its redacted form is logged.
	d.logger("daemon").Info("starting", "data_dir", dir, "hostname", d.cfg.Hostname,
		"database", db.Driver, "dsn", db.Redacted(), "blobs", db.BlobStore(),
		"memory_budget", d.cfg.Limits.MemoryBudget, "malloc_tuned", budget.TuneMalloc())
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("data_dir: %w", err)
	}
	node := db.NodeID
	if db.Driver == config.DriverPostgres {
		id, err := nodeID(db.NodeID, dir)
		if err != nil {
			return fmt.Errorf("daemon: node id: %w", err)
		}
		node = id
	}
	st, err := groups.Open(StoreOptions(groups.Options{
		Driver:          db.Driver,
		DSN:             db.DSN,
		Path:            filepath.Join(dir, "groupd.db"),
		Blobs:           db.BlobStore(),
		BlobDir:         filepath.Join(dir, "blobs"),
		MailDomains:     append([]string(nil), d.cfg.Mail.Domains...),
		InternalDomains: append([]string(nil), d.cfg.Mail.InternalDomains...),
		Hostname:        d.cfg.Hostname,
		PublicURL:       d.cfg.PublicBase(),
		Logger:          d.logger("store"),
		Language:        d.cfg.Language,
		NodeID:          node,
		Lease:           db.Lease,
	}))
	if err != nil {
		return fmt.Errorf("daemon: store: %w", err)
	}
	tok, err := adminToken(dir, d.logger("daemon"))
	if err == nil {
		tok, err = sharedToken(ctx, st, dir, tok, d.logger("daemon"))
	}
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		st.Close()
		return fmt.Errorf("daemon: %w", err)
	}
	d.store, d.token = st, tok
	return nil
}

// launch binds every enabled listener, then starts the workers and the
// servers. If a bind fails, it shuts down every listener constructed,
// closes the store and returns the error.
func (d *Daemon) launch(ctx context.Context, ls []Listener, ws []Worker) error {
	for _, l := range ls {
		d.listeners = append(d.listeners, &running{Listener: l})
	}
	var lc net.ListenConfig
	for _, r := range d.listeners {
		if r.Addr == "" {
			continue
		}
		ln, err := lc.Listen(ctx, "tcp", r.Addr)
		if err != nil {
			d.rollback()
			return fmt.Errorf("listen.%s: %w", r.Name, err)
		}
		r.ln = ln
	}
	workCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	d.stopWork, d.workers = cancel, ws
	for _, w := range ws {
		d.working.Add(1)
		go d.work(workCtx, w)
	}
	for _, r := range d.listeners {
		if r.ln == nil {
			d.logger(r.Name).Info("disabled")
			continue
		}
		d.serving.Add(1)
		go d.serve(r)
	}
	return nil
}

// rollback undoes a launch that failed before anything was served.
func (d *Daemon) rollback() {
	ctx, cancel := context.WithTimeout(context.Background(), d.cfg.ShutdownTimeout)
	defer cancel()
	for _, r := range d.listeners {
		if r.ln != nil {
			r.ln.Close()
		}
		if err := r.Shutdown(ctx); err != nil {
			d.logger(r.Name).Warn("shutdown after failed start", "err", err)
		}
	}
	d.listeners = nil
	d.store.Close()
}

// serve runs one listener's Serve and reports an unexpected return.
func (d *Daemon) serve(r *running) {
	defer d.serving.Done()
	log := d.logger(r.Name)
	log.Info("listening", "addr", r.ln.Addr().String())
	err := r.Serve(r.ln)
	if d.stopping() {
		return
	}
	if err == nil {
		err = errors.New("stopped serving")
	}
	log.Error("serve failed", "err", err)
	d.fail(fmt.Errorf("listen.%s: %w", r.Name, err))
}

// work runs one worker and reports a return before shutdown.
func (d *Daemon) work(ctx context.Context, w Worker) {
	defer d.working.Done()
	err := w.Run(ctx)
	if ctx.Err() != nil {
		if err != nil && !errors.Is(err, context.Canceled) {
			d.logger(w.Name).Warn("stopped with error", "err", err)
		}
		return
	}
	if err == nil {
		err = errors.New("stopped")
	}
	d.logger(w.Name).Error("worker failed", "err", err)
	d.fail(fmt.Errorf("%s: %w", w.Name, err))
}

// fail records the first failure for Run.
func (d *Daemon) fail(err error) {
	select {
	case d.failed <- err:
	default:
	}
}

// stopping reports whether Shutdown has begun.
func (d *Daemon) stopping() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.state == stateStopped
}

// Addr returns the bound address of the listener called name ("http",
// "smtp", ...), or nil when it is disabled, unknown or not started.
func (d *Daemon) Addr(name string) net.Addr {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, r := range d.listeners {
		if r.Name == name && r.ln != nil {
			return r.ln.Addr()
		}
	}
	return nil
}
