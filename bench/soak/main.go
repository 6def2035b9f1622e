// Command soak runs one groupd (the binary given by -groupd) on loopback
// and loads it for a while with every protocol at once: SMTP posts to a
// list, CalDAV PUTs and sync-collection REPORTs, WebDAV PUTs and GETs,
// IMAP SELECT and FETCH, and API GETs, each from a bounded number of
// workers on a bounded set of names. It prints per-protocol counts,
// errors and p50/p99 latencies, and the daemon's RSS (VmRSS) every 5 s;
// it exits 1 on any error or when RSS grew by more than -rss-growth
// between the end of the warm-up and the end of the run.
//
// bench/soak.sh builds groupd and runs this; SOAK_DURATION=30s for a
// quick run.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"
)

// rssBound, the default of -rss-growth, 48 MiB, is what the daemon may
// rightly add after the warm-up under this load, at most:
//
//   - SQLite's page cache filling as the database grows: 2,000 KiB per
//     connection (the default cache_size), 1 writer and 8 readers, 18 MiB;
//   - IMAP's envelope cache, about 0.5 KB per message fetched: some
//     6,000 posts in 5 minutes, 3 MiB;
//   - the Go heap target (GOGC=100) doubling the Go-side part of that and
//     of buffers in flight, about 8 MiB;
//   - one argon2id buffer (19 MiB) of a login when the 2-minute auth
//     cache expires, not yet returned to the kernel.
//
// 5 minutes at this load measured +17 MiB; a leak of more than about
// 1 KB per operation (some 27,000 operations) exceeds the bound.
const rssBound = 48

type options struct {
	groupd    string
	duration  time.Duration
	warmup    time.Duration
	workers   int
	pace      time.Duration
	rssGrowth int64 // MiB
	keep      bool
	abuse     bool   // the second half under attack (abuse.go)
	attacks   string // which attacks, comma-separated (abuse.go)
}

func main() {
	o := options{}
	def := 5 * time.Minute
	if s := os.Getenv("SOAK_DURATION"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil {
			fmt.Fprintf(os.Stderr, "soak: SOAK_DURATION: %v\n", err)
			os.Exit(2)
		}
		def = d
	}
	flag.StringVar(&o.groupd, "groupd", "", "the groupd binary to run (required)")
	flag.DurationVar(&o.duration, "duration", def, "how long to load the daemon (default $SOAK_DURATION or 5m)")
	flag.DurationVar(&o.warmup, "warmup", 30*time.Second, "RSS at the end of this is the baseline (at most a third of -duration)")
	flag.IntVar(&o.workers, "workers", 2, "workers per protocol")
	flag.DurationVar(&o.pace, "pace", 100*time.Millisecond, "each worker starts at most one operation per pace")
	flag.Int64Var(&o.rssGrowth, "rss-growth", rssBound, "MiB the RSS may grow from the warm-up to the end (see rssBound)")
	flag.BoolVar(&o.keep, "keep", false, "keep the data directory")
	flag.StringVar(&o.attacks, "attacks", "recurrence,slow-body,over-limit,imap-fetch", "with -abuse, the attacks to run")
	flag.BoolVar(&o.abuse, "abuse", false, "attack the daemon in the second half of the run (abuse.go); RSS may grow by "+
		"-rss-growth + 128 MiB")
	flag.Parse()
	if o.groupd == "" {
		fmt.Fprintln(os.Stderr, "soak: -groupd is required")
		os.Exit(2)
	}
	o.warmup = min(o.warmup, o.duration/3)
	if err := run(o); err != nil {
		fmt.Fprintf(os.Stderr, "soak: FAIL: %v\n", err)
		os.Exit(1)
	}
	fmt.Println("soak: PASS")
}

func run(o options) error {
	dir, err := os.MkdirTemp("", "groupd-soak-")
	if err != nil {
		return err
	}
	if !o.keep {
		defer os.RemoveAll(dir)
	}
	relay, err := startSink()
	if err != nil {
		return err
	}
	defer relay.Close()
	d, err := startDaemon(o.groupd, dir, relay.Addr().String())
	if err != nil {
		return err
	}
	defer d.Stop()
	if err := d.seed(o.workers); err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	if o.abuse {
		if err := d.seedAbuse(); err != nil {
			return fmt.Errorf("seed the attacks: %w", err)
		}
		o.rssGrowth += 128 // finding 6: each attack within 128 MiB
	}
	fmt.Printf("soak: groupd pid %d, data %s, %v of load, %d workers per protocol, warm-up %v\n",
		d.Cmd.Process.Pid, dir, o.duration, o.workers, o.warmup)

	ctx, cancel := context.WithTimeout(context.Background(), o.duration)
	defer cancel()
	rss := &rssSeries{pid: d.Cmd.Process.Pid, start: time.Now()}
	var wg sync.WaitGroup
	wg.Go(func() { rss.sample(ctx, 5*time.Second) })
	ph := newPhases(o, rss.start)
	attacks := &attackLog{}
	if o.abuse {
		wg.Go(func() {
			select {
			case <-ctx.Done():
			case <-time.After(time.Until(ph.abuseFrom)):
				abuse(ctx, d, attacks, strings.Split(o.attacks, ","))
			}
		})
	}
	for _, p := range protocols(d) {
		for w := range o.workers {
			op, err := p.make(w)
			if err != nil {
				cancel()
				wg.Wait()
				return fmt.Errorf("%s worker %d: %w", p.name, w, err)
			}
			wg.Go(func() { loop(ctx, o.pace, func() *recorder { return ph.now(p.name) }, op) })
		}
	}
	wg.Wait()
	exited := d.Exited()
	rss.last() // after the load, before the stop
	errs := report(ph.quiet, rss, o)
	if o.abuse {
		attacks.print()
		errs = append(errs, ph.compare()...)
	}
	if exited != nil {
		errs = append(errs, fmt.Errorf("groupd exited during the run: %v", exited))
	}
	if err := d.Stop(); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return fmt.Errorf("%d problem(s): %v", len(errs), errs)
	}
	return nil
}

// loop runs op every pace (at once when op took longer) until ctx ends.
func loop(ctx context.Context, pace time.Duration, rec func() *recorder, op func(context.Context) error) {
	t := time.NewTicker(pace)
	defer t.Stop()
	for ctx.Err() == nil {
		start := time.Now()
		r := rec() // the phase the operation started in
		err := op(ctx)
		if ctx.Err() != nil && err != nil {
			return // cut off by the end of the run, not a failure
		}
		r.add(time.Since(start), err)
		select {
		case <-ctx.Done():
		case <-t.C:
		}
	}
}
