package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"groupd/config"
)

// Shutdown stops every listener accepting and drains them concurrently
// until ctx's deadline, after which their connections are forced closed;
// then it cancels the workers and waits for them (also bounded by ctx),
// and closes the store. It returns what went wrong, or nil; calling it
// again, or on a daemon that never started, does nothing.
func (d *Daemon) Shutdown(ctx context.Context) error {
	d.mu.Lock()
	if d.state != stateStarted {
		d.mu.Unlock()
		return nil
	}
	d.state = stateStopped
	listeners := d.listeners
	d.mu.Unlock()

	log := d.logger("daemon")
	log.Info("shutting down")
	errs := d.drain(ctx, listeners)
	if err := wait(ctx, &d.serving); err != nil {
		errs = append(errs, fmt.Errorf("servers: %w", err))
	}
	d.stopWork()
	if err := wait(ctx, &d.working); err != nil {
		errs = append(errs, fmt.Errorf("workers: %w", err))
	}
	if err := d.store.Close(); err != nil {
		errs = append(errs, fmt.Errorf("store: %w", err))
	}
	err := errors.Join(errs...)
	if err != nil {
		log.Error("shutdown incomplete", "err", err)
	} else {
		log.Info("stopped")
	}
	return err
}

// drain shuts the listeners down concurrently and returns their errors.
func (d *Daemon) drain(ctx context.Context, ls []*running) []error {
	errc := make(chan error, len(ls))
	var wg sync.WaitGroup
	for _, r := range ls {
		wg.Go(func() {
			err := r.Shutdown(ctx)
			if err != nil && r.Close != nil {
				d.logger(r.Name).Warn("drain incomplete, closing connections", "err", err)
				r.Close()
			}
			if err != nil {
				errc <- fmt.Errorf("%s: %w", r.Name, err)
			}
		})
	}
	wg.Wait()
	close(errc)
	var errs []error
	for err := range errc {
		errs = append(errs, err)
	}
	return errs
}

// wait waits for wg or for ctx's end.
func wait(ctx context.Context, wg *sync.WaitGroup) error {
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Run starts a daemon for cfg, runs it until ctx is done or a component
// fails, then shuts it down within cfg.ShutdownTimeout. It returns nil
// after a clean shutdown on ctx's end.
func Run(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	d, err := New(cfg, log)
	if err != nil {
		return err
	}
	if err := d.Start(ctx); err != nil {
		return err
	}
	var failure error
	select {
	case <-ctx.Done():
	case failure = <-d.failed:
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cfg.ShutdownTimeout)
	defer cancel()
	return errors.Join(failure, d.Shutdown(sctx))
}
