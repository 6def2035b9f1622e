// Command smtpbench measures the real groupd's mail path against
// Postfix's smtp-sink as the relay (bench/smtp.sh runs it):
//
//	(a) the time from 250 for a post to a 10,000-recipient list until the
//	    relay has the last recipient, beside smtp-source handing 10,000
//	    recipients straight to smtp-sink;
//	(b) durable acceptance rate of 4 KB posts to a 100-recipient list with
//	    smtp-source (20 sessions), beside smtp-source → smtp-sink. It is
//	    measured twice: with the relay paused (SIGSTOP, the queue holds the
//	    mail: acceptance alone) and with the queue delivering to the relay
//	    at the same time.
//
// Each run starts a fresh smtp-sink and a fresh groupd (its binary, a
// generated config, lists seeded over the admin API); the medians of the
// runs are printed last. Loopback only; every process it starts it stops.
// -db postgres -dsn DSN puts the store on a fresh PostgreSQL database;
// -nodes 2 runs two daemons on it, smtp-source's sessions split between
// them (both queues deliver the fan-out). -raw=false skips the raw
// smtp-source figures.
package main

import (
	"cmp"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	gosmtp "github.com/emersion/go-smtp"

	"groupd/internal/groupdproc"
)

// figures are one run's measurements.
type figures struct {
	fan, rawFan           time.Duration // (a)
	held, live, rawAccept time.Duration // (b), posts of smtp-source
	heldCPU               time.Duration // groupd's CPU time (user+system) during held
	fanCPU                time.Duration // groupd's CPU time during fan
	rss                   int64         // groupd's peak RSS (the first node's), bytes
}

func main() {
	bin := flag.String("groupd", "", "groupd binary (required)")
	rcpts := flag.Int("rcpts", 10000, "(a) recipients of the big list")
	posts := flag.Int("posts", 5000, "(b) posts sent by smtp-source")
	sessions := flag.Int("sessions", 20, "(b) smtp-source sessions")
	runs := flag.Int("runs", 3, "runs; the medians are printed last")
	list := flag.Int("list", 100, "(b) recipients of the list the posts go to")
	raw := flag.Bool("raw", true, "also time smtp-source straight to smtp-sink, the reference")
	backend := groupdproc.BackendFlags(flag.CommandLine)
	flag.Parse()
	if *bin == "" {
		fmt.Fprintln(os.Stderr, "usage: smtpbench -groupd BIN [-runs N]")
		os.Exit(2)
	}
	fmt.Printf("store: %s\n", backend.Label())
	var all []figures
	for i := 0; i < *runs; i++ {
		f, err := run(*bin, *rcpts, *list, *posts, *sessions, *backend, *raw)
		if err != nil {
			fmt.Fprintln(os.Stderr, "smtpbench:", err)
			os.Exit(1)
		}
		fmt.Printf("run %d:\n", i+1)
		f.print(*rcpts, *list, *posts, *sessions)
		all = append(all, f)
	}
	if *runs > 1 {
		fmt.Printf("median of %d runs:\n", *runs)
		median(all).print(*rcpts, *list, *posts, *sessions)
	}
}

func (f figures) print(rcpts, list, posts, sessions int) {
	rate := func(d time.Duration) float64 { return float64(posts) / d.Seconds() }
	defer fmt.Printf("      groupd's peak RSS: %.0f MiB\n", float64(f.rss)/(1<<20))
	if f.rawFan == 0 {
		f.printAlone(rcpts, list, posts, sessions, rate)
		return
	}
	fmt.Printf("  (a) 250 -> last of %d recipients at the relay: groupd %.3f s, raw smtp-source->smtp-sink %.3f s, ratio %.2f (target <= 0.5 s)\n",
		rcpts, f.fan.Seconds(), f.rawFan.Seconds(), f.fan.Seconds()/f.rawFan.Seconds())
	fmt.Printf("      groupd's CPU time for the fan-out: %.0f ms\n", float64(f.fanCPU.Microseconds())/1000)
	fmt.Printf("  (b) durable acceptance, %d x 4 KB posts to a %d-recipient list, %d sessions, relay paused: groupd %.0f posts/s, raw %.0f posts/s, ratio %.2f (target >= 1000/s)\n",
		posts, list, sessions, rate(f.held), rate(f.rawAccept), rate(f.held)/rate(f.rawAccept))
	fmt.Printf("      groupd's CPU time per accepted post (load-independent): %.0f µs\n",
		float64(f.heldCPU.Microseconds())/float64(posts))
	fmt.Printf("      the same while the queue delivers to the relay: groupd %.0f posts/s, ratio %.2f\n",
		rate(f.live), rate(f.live)/rate(f.rawAccept))
}

// printAlone prints groupd's figures of a run without the raw reference.
func (f figures) printAlone(rcpts, list, posts, sessions int, rate func(time.Duration) float64) {
	fmt.Printf("  (a) 250 -> last of %d recipients at the relay: groupd %.3f s (target <= 0.5 s)\n", rcpts, f.fan.Seconds())
	fmt.Printf("      groupd's CPU time for the fan-out: %.0f ms\n", float64(f.fanCPU.Microseconds())/1000)
	fmt.Printf("  (b) durable acceptance, %d x 4 KB posts to a %d-recipient list, %d sessions, relay paused: groupd %.0f posts/s (target >= 1000/s)\n",
		posts, list, sessions, rate(f.held))
	fmt.Printf("      groupd's CPU time per accepted post: %.0f µs; while the queue delivers: %.0f posts/s\n",
		float64(f.heldCPU.Microseconds())/float64(posts), rate(f.live))
}

// median takes each figure's median over the runs on its own.
func median(all []figures) figures {
	pick := func(get func(figures) time.Duration) time.Duration {
		var ds []time.Duration
		for _, f := range all {
			ds = append(ds, get(f))
		}
		slices.Sort(ds)
		return ds[len(ds)/2]
	}
	return figures{
		fan:       pick(func(f figures) time.Duration { return f.fan }),
		rawFan:    pick(func(f figures) time.Duration { return f.rawFan }),
		held:      pick(func(f figures) time.Duration { return f.held }),
		live:      pick(func(f figures) time.Duration { return f.live }),
		rawAccept: pick(func(f figures) time.Duration { return f.rawAccept }),
		heldCPU:   pick(func(f figures) time.Duration { return f.heldCPU }),
		fanCPU:    pick(func(f figures) time.Duration { return f.fanCPU }),
		rss:       slices.MaxFunc(all, func(a, b figures) int { return cmp.Compare(a.rss, b.rss) }).rss,
	}
}

func run(bin string, rcpts, list, posts, sessions int, b groupdproc.Backend, raw bool) (f figures, err error) {
	root, err := os.MkdirTemp("", "smtpbench")
	if err != nil {
		return f, err
	}
	defer os.RemoveAll(root)
	s, err := startSink()
	if err != nil {
		return f, err
	}
	defer s.stop()
	source := func(to string, addrs ...string) (time.Duration, error) {
		return sources(to, addrs, posts, sessions)
	}
	// Raw figures first, on the same machine in the same run.
	if raw {
		if f.rawFan, err = timed(exec.Command("smtp-source", "-s", "1", "-m", "1", "-r", fmt.Sprint(rcpts),
			"-f", "bench@example.test", "-t", "r@sink.example", s.addr)); err != nil {
			return f, fmt.Errorf("raw fan-out: %w", err)
		}
		if f.rawAccept, err = source("r@sink.example", s.addr); err != nil {
			return f, fmt.Errorf("raw acceptance: %w", err)
		}
	}

	g, err := startGroupd(bin, root, s.addr, b)
	if err != nil {
		return f, err
	}
	defer g.Close()
	if err := g.seed("big", rcpts); err != nil {
		return f, err
	}
	if err := g.seed("small", list); err != nil {
		return f, err
	}
	cpu0 := g.cpu()
	if f.fan, err = fanOut(g, s, rcpts); err != nil {
		return f, err
	}
	f.fanCPU = g.cpu() - cpu0
	if f.live, err = source("small@lists.example.test", g.smtpAddrs()...); err != nil {
		return f, fmt.Errorf("acceptance while delivering: %w", err)
	}
	if err := s.pause(); err != nil {
		return f, err
	}
	defer s.resume()
	cpu0 = g.cpu()
	if f.held, err = source("small@lists.example.test", g.smtpAddrs()...); err != nil {
		return f, fmt.Errorf("acceptance: %w", err)
	}
	f.heldCPU = g.cpu() - cpu0
	f.rss = g.Node(0).PeakRSS()
	return f, nil
}

// sources sends posts 4 KB posts to `to` with smtp-source in sessions
// sessions, split evenly between addrs (one smtp-source per address, all
// at once), and returns how long the slowest took.
func sources(to string, addrs []string, posts, sessions int) (time.Duration, error) {
	n := len(addrs)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := time.Now()
	for i, addr := range addrs {
		m, ss := posts/n, max(sessions/n, 1)
		if i == 0 {
			m += posts % n
		}
		cmd := exec.Command("smtp-source", "-s", fmt.Sprint(ss), "-m", fmt.Sprint(m), "-l", "4096",
			"-f", "bench@example.test", "-t", to, addr)
		wg.Add(1)
		go func() { defer wg.Done(); _, errs[i] = timed(cmd) }()
	}
	wg.Wait()
	return time.Since(start), errors.Join(errs...)
}

// fanOut posts to the big list and returns the time from its 250 until
// the relay received the last message of the fan-out, once groupd has
// recorded every recipient as handed over.
func fanOut(g *groupd, s *sink, rcpts int) (time.Duration, error) {
	t0, err := post(g.Node(0).Addr("smtp"), "big@lists.example.test")
	if err != nil {
		return 0, fmt.Errorf("post to big: %w", err)
	}
	// The time comes from the relay; looking costs a count over every
	// queue row (a second or more of CPU at 100,000 recipients if done
	// every 20 ms), so the wait between looks grows with the look, to
	// keep the count from competing with the fan-out it measures.
	wait := 20 * time.Millisecond
	for deadline := time.Now().Add(5 * time.Minute); ; time.Sleep(wait) {
		t := time.Now()
		n, err := g.sent()
		if err != nil {
			return 0, err
		}
		wait = max(20*time.Millisecond, 10*time.Since(t))
		if n >= rcpts {
			break
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("%d of %d recipients delivered after 5 minutes", n, rcpts)
		}
	}
	t1, _ := s.lastMessage()
	return t1.Sub(t0), nil
}

// post sends one post and returns when it was answered 250.
func post(addr, list string) (time.Time, error) {
	c, err := gosmtp.Dial(addr)
	if err != nil {
		return time.Time{}, err
	}
	defer c.Close()
	msg := "From: bench@example.test\r\nTo: " + list + "\r\nSubject: bench\r\n\r\n" + strings.Repeat(strings.Repeat("x", 78)+"\r\n", 50)
	if err := c.SendMail("bench@example.test", []string{list}, strings.NewReader(msg)); err != nil {
		return time.Time{}, err
	}
	return time.Now(), nil
}

// cpuTime is the user plus system CPU time of process pid so far, from
// /proc/PID/stat (fields 14 and 15, in clock ticks of 1/100 s on Linux);
// 0 when it cannot be read.
func cpuTime(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')') // the command name may hold spaces
	if i < 0 {
		return 0
	}
	f := strings.Fields(s[i+1:]) // f[0] is field 3 (state)
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * 10 * time.Millisecond
}
