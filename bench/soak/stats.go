package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	gosmtp "github.com/emersion/go-smtp"
)

// recorder keeps one protocol's latencies and errors.
type recorder struct {
	mu     sync.Mutex
	lat    []time.Duration
	began  []time.Time // when each operation started
	errs   int
	sample []string // the first errors
}

func (r *recorder) add(d time.Duration, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lat = append(r.lat, d)
	r.began = append(r.began, time.Now().Add(-d))
	if err != nil {
		r.errs++
		if len(r.sample) < 3 {
			r.sample = append(r.sample, err.Error())
		}
	}
}

// quantile of sorted latencies (nearest rank).
func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.5) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// rssSeries samples the daemon's VmRSS.
type rssSeries struct {
	pid   int
	start time.Time
	mu    sync.Mutex
	at    []time.Duration
	kib   []int64
}

func (s *rssSeries) sample(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	s.last()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			s.last()
		}
	}
}

// last takes one sample now.
func (s *rssSeries) last() {
	kib, err := vmRSS(s.pid)
	if err != nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.at = append(s.at, time.Since(s.start).Round(time.Second))
	s.kib = append(s.kib, kib)
}

// vmRSS reads VmRSS (KiB) from /proc/PID/status.
func vmRSS(pid int) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			return strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		}
	}
	return 0, fmt.Errorf("no VmRSS in /proc/%d/status", pid)
}

// growth compares the RSS at the end of the warm-up with the end of the
// run, each the smallest of the three samples (15 s) up to that point:
// the level the process keeps, not one transient peak (a burst of
// argon2id logins, 19 MiB each, or a GC cycle not yet returned).
func (s *rssSeries) growth(warmup time.Duration) (base, end int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for n < len(s.at) && s.at[n] <= warmup {
		n++
	}
	floor := func(k []int64) int64 {
		if len(k) == 0 {
			return 0
		}
		return slices.Min(k[max(0, len(k)-3):])
	}
	return floor(s.kib[:n]), floor(s.kib)
}

// report prints the figures and returns what failed.
func report(stats map[string]*recorder, rss *rssSeries, o options) []error {
	title := ""
	if o.abuse {
		title = "quiet first half"
	}
	errs := table(title, stats)
	errs = append(errs, rssReport(rss, o)...)
	return errs
}

// table prints one phase's counts and latencies and returns its errors.
func table(title string, stats map[string]*recorder) []error {
	var errs []error
	if title != "" {
		fmt.Printf("\n%s:", title)
	}
	fmt.Printf("\n%-8s %8s %7s %9s %9s %9s\n", "protocol", "ops", "errors", "p50", "p99", "max")
	for _, name := range protocolNames {
		r := stats[name]
		r.mu.Lock()
		lat := slices.Clone(r.lat)
		slices.Sort(lat)
		fmt.Printf("%-8s %8d %7d %9s %9s %9s\n", name, len(lat), r.errs, ms(quantile(lat, 0.5)), ms(quantile(lat, 0.99)), ms(quantile(lat, 1)))
		if r.errs > 0 {
			errs = append(errs, fmt.Errorf("%s: %d errors, first: %s", name, r.errs, strings.Join(r.sample, " | ")))
		}
		if len(lat) == 0 {
			errs = append(errs, fmt.Errorf("%s: no operation completed", name))
		}
		r.mu.Unlock()
	}
	return errs
}

// rssReport prints the RSS series and checks its growth.
func rssReport(rss *rssSeries, o options) []error {
	var errs []error
	rss.mu.Lock()
	fmt.Printf("\nRSS (MiB) every 5 s:")
	for i, k := range rss.kib {
		if i%12 == 0 {
			fmt.Printf("\n  %5s", rss.at[i])
		}
		fmt.Printf(" %6.1f", float64(k)/1024)
	}
	fmt.Println()
	rss.mu.Unlock()
	base, end := rss.growth(o.warmup)
	fmt.Printf("RSS after warm-up (%v) %.1f MiB, at the end %.1f MiB: growth %+.1f MiB (bound %d MiB)\n",
		o.warmup, float64(base)/1024, float64(end)/1024, float64(end-base)/1024, o.rssGrowth)
	if end-base > o.rssGrowth<<10 {
		errs = append(errs, fmt.Errorf("RSS grew by %.1f MiB, more than %d MiB", float64(end-base)/1024, o.rssGrowth))
	}
	return errs
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000) }

// startSink is the relay: an SMTP server on loopback that accepts every
// message and discards it.
func startSink() (net.Listener, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := gosmtp.NewServer(gosmtp.BackendFunc(func(*gosmtp.Conn) (gosmtp.Session, error) { return sink{}, nil }))
	srv.Domain = "relay.soak"
	srv.MaxRecipients = 1000
	go srv.Serve(l)
	return l, nil
}

type sink struct{}

func (sink) Reset()                                 {}
func (sink) Logout() error                          { return nil }
func (sink) Mail(string, *gosmtp.MailOptions) error { return nil }
func (sink) Rcpt(string, *gosmtp.RcptOptions) error { return nil }
func (sink) Data(r io.Reader) error                 { _, err := io.Copy(io.Discard, r); return err }
