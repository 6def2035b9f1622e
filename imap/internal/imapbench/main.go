// Command imapbench measures the real groupd binary's IMAP archive
// beside Dovecot (issues 7 and 14): it runs the daemon on loopback with a
// generated config and a discard relay, seeds alice and bob in "team"
// over the admin API, posts -posts messages to the list over SMTP, then,
// logged in as bob over IMAP, times a client's first sync — UID FETCH 1:*
// (UID FLAGS ENVELOPE BODYSTRUCTURE), cold and again — UID SEARCH TEXT of
// a word 1% of the posts hold, UID FETCH BODY.PEEK[] of 100 random
// posts, and the time from a post's 250 to the untagged EXISTS on an
// IDLE connection. It then writes the same posts, byte for byte as
// groupd archived them, into a Maildir, runs Debian's Dovecot on it
// (-dovecot; "" skips it) with a plain config, times the same, and prints
// both with the ratio. bench/imap.sh builds and runs it. -db postgres
// -dsn DSN puts the store on a fresh PostgreSQL database; -nodes 2 runs
// two daemons on it, posts going in through the first and the client
// reading from the second.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	gosmtp "github.com/emersion/go-smtp"

	"groupd/internal/groupdproc"
)

const password = "password1"

func main() {
	bin := flag.String("groupd", "", "the groupd binary to run")
	posts := flag.Int("posts", 10000, "posts archived before measuring")
	runs := flag.Int("runs", 3, "timed repetitions of each command")
	sessions := flag.Int("sessions", 8, "parallel SMTP sessions posting")
	peer := flag.String("dovecot", "dovecot", `Dovecot's binary, measured beside groupd; "" for none`)
	backend := groupdproc.BackendFlags(flag.CommandLine)
	flag.Parse()
	if *bin == "" {
		fmt.Fprintln(os.Stderr, "imapbench: -groupd BINARY is required")
		os.Exit(2)
	}
	if *peer != "" {
		p, err := exec.LookPath(*peer)
		if err != nil {
			fmt.Fprintln(os.Stderr, "imapbench: no Dovecot (apt-get install dovecot-imapd), measuring groupd alone:", err)
		}
		*peer = p
	}
	if err := run(*bin, *peer, *posts, *runs, *sessions, *backend); err != nil {
		fmt.Fprintln(os.Stderr, "imapbench:", err)
		os.Exit(1)
	}
}

func run(bin, peer string, posts, runs, sessions int, b groupdproc.Backend) error {
	root, err := os.MkdirTemp("", "imapbench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(root)
	relay, err := startRelay()
	if err != nil {
		return err
	}
	defer relay.srv.Close()
	d, err := startDaemon(bin, filepath.Join(root, "groupd"), relay.addr, b)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.seed(); err != nil {
		return err
	}
	start := time.Now()
	smtpAddr := d.Node(0).Addr("smtp")
	if err := load(smtpAddr, posts, sessions); err != nil {
		return err
	}
	took := time.Since(start)
	fmt.Printf("%s (%s): %d posts accepted over SMTP and archived in %.1f s (%.0f/s, %d sessions)\n",
		filepath.Base(bin), b.Label(), posts, took.Seconds(), float64(posts)/took.Seconds(), sessions)
	n := relay.settle(2*time.Second, 5*time.Minute)
	fmt.Printf("fan-out settled: %d copies handed to the relay; measuring with the queue idle\n", n)
	g := server{name: "groupd", addr: d.Node(len(d.Nodes) - 1).Addr("imap"), user: "bob@example.test",
		password: password, mailbox: "Groups/Team", deliver: func(i int) error {
			c, err := gosmtp.Dial(smtpAddr)
			if err != nil {
				return err
			}
			defer c.Close()
			return c.SendMail("alice@example.test", []string{"team@lists.example.test"}, bytes.NewReader(post(i, 0)))
		}}
	gr, err := measure(g, posts, runs)
	if err != nil {
		return err
	}
	fmt.Printf("UID FETCH 1:* (UID FLAGS ENVELOPE BODYSTRUCTURE) of %d posts: first %s; then %s (target < 1000 ms)\n",
		posts, ms(gr.cold), summary(gr.again))
	fmt.Printf("UID SEARCH TEXT %q over %d posts (%d hits): %s (target < 200 ms)\n", needle, posts, hits(posts), summary(gr.search))
	fmt.Printf("groupd peak RSS: %.0f MiB\n", float64(d.Node(len(d.Nodes)-1).PeakRSS())/(1<<20))
	if peer == "" {
		return nil
	}
	mail, err := archived(g)
	if err != nil {
		return err
	}
	mail = mail[:posts] // not the posts of the IDLE measure
	dv, err := startDovecot(peer, filepath.Join(root, "dovecot"), mail)
	if err != nil {
		return err
	}
	defer dv.stop()
	dr, err := measure(dv.server(), posts, runs)
	if err != nil {
		return err
	}
	table(posts, gr, dr)
	return nil
}

// table prints groupd's and Dovecot's medians and Dovecot/groupd (above 1:
// groupd is faster).
func table(posts int, g, d *results) {
	fmt.Printf("\n%d posts, ms (median of the runs)            groupd   Dovecot   Dovecot/groupd\n", posts)
	row := func(what string, a, b time.Duration) {
		fmt.Printf("%-44s %8.1f %9.1f %9.2fx\n", what, msf(a), msf(b), float64(b)/float64(a))
	}
	row("first sync, cold (UID FLAGS ENVELOPE BODYSTR.)", g.cold, d.cold)
	row("sync again", median(g.again), median(d.again))
	row("UID SEARCH TEXT (1% of the posts)", median(g.search), median(d.search))
	row("UID FETCH BODY[] of 100 random posts", median(g.bodies), median(d.bodies))
	row("delivery to EXISTS on IDLE", median(g.idle), median(d.idle))
	fmt.Println("(groupd's delivery is an SMTP post's 250; Dovecot's a file renamed into its Maildir)")
}

func median(ds []time.Duration) time.Duration {
	sorted := slices.Clone(ds)
	slices.Sort(sorted)
	return sorted[len(sorted)/2]
}

func msf(d time.Duration) float64 { return float64(d) / 1e6 }

func timed(f func() error) (time.Duration, error) {
	start := time.Now()
	err := f()
	return time.Since(start), err
}

func repeat(f func() error, runs int) ([]time.Duration, error) {
	var out []time.Duration
	for i := 0; i < runs; i++ {
		d, err := timed(f)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

// summary is "a / b / c ms, median m ms".
func summary(ds []time.Duration) string {
	var parts []string
	for _, d := range ds {
		parts = append(parts, fmt.Sprintf("%.0f", float64(d)/1e6))
	}
	return fmt.Sprintf("%s ms, median %s", strings.Join(parts, " / "), ms(median(ds)))
}

func ms(d time.Duration) string { return fmt.Sprintf("%.0f ms", float64(d)/1e6) }
