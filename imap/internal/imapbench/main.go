// Command imapbench measures the real groupd binary's IMAP archive
// (issue 7): it runs the daemon on loopback with a generated config and a
// discard relay, seeds alice and bob in "team" over the admin API, posts
// -posts messages to the list over SMTP, then, logged in as bob over
// IMAP, times a client's first sync — UID FETCH 1:* (UID FLAGS ENVELOPE)
// of the whole archive (target under 1 s) — and SEARCH TEXT of a word one
// post holds (target under 200 ms), -runs times each, printing every
// figure and the median. bench/imap.sh builds and runs it. -db postgres
// -dsn DSN puts the store on a fresh PostgreSQL database; -nodes 2 runs two
// daemons on it, posts going in through the first and the sync reading
// from the second.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"groupd/internal/groupdproc"
)

const password = "password1"

func main() {
	bin := flag.String("groupd", "", "the groupd binary to run")
	posts := flag.Int("posts", 10000, "posts archived before measuring")
	runs := flag.Int("runs", 3, "timed repetitions of each command")
	sessions := flag.Int("sessions", 8, "parallel SMTP sessions posting")
	backend := groupdproc.BackendFlags(flag.CommandLine)
	flag.Parse()
	if *bin == "" {
		fmt.Fprintln(os.Stderr, "imapbench: -groupd BINARY is required")
		os.Exit(2)
	}
	if err := run(*bin, *posts, *runs, *sessions, *backend); err != nil {
		fmt.Fprintln(os.Stderr, "imapbench:", err)
		os.Exit(1)
	}
}

func run(bin string, posts, runs, sessions int, b groupdproc.Backend) error {
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
	d, err := startDaemon(bin, root, relay.addr, b)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.seed(); err != nil {
		return err
	}
	start := time.Now()
	if err := load(d.Node(0).Addr("smtp"), posts, sessions); err != nil {
		return err
	}
	took := time.Since(start)
	fmt.Printf("%s (%s): %d posts accepted over SMTP and archived in %.1f s (%.0f/s, %d sessions)\n",
		filepath.Base(bin), b.Label(), posts, took.Seconds(), float64(posts)/took.Seconds(), sessions)
	n := relay.settle(2*time.Second, 5*time.Minute)
	fmt.Printf("fan-out settled: %d copies handed to the relay; measuring with the queue idle\n", n)
	return measure(d.Node(len(d.Nodes)-1).Addr("imap"), posts, runs)
}

// measure logs in as bob and times FETCH and SEARCH TEXT.
func measure(addr string, posts, runs int) error {
	c, err := imapclient.DialInsecure(addr, nil)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.Login("bob@example.test", password).Wait(); err != nil {
		return err
	}
	sel, err := c.Select("Groups/Team", nil).Wait()
	if err != nil {
		return err
	}
	if int(sel.NumMessages) != posts {
		return fmt.Errorf("Groups/Team holds %d messages, want %d", sel.NumMessages, posts)
	}
	fetch := func() error {
		msgs, err := c.Fetch(goimap.UIDSet{{Start: 1, Stop: 0}}, &goimap.FetchOptions{UID: true, Flags: true, Envelope: true}).Collect()
		if err == nil && (len(msgs) != posts || msgs[0].Envelope == nil) {
			err = fmt.Errorf("FETCH returned %d messages, want %d with envelopes", len(msgs), posts)
		}
		return err
	}
	search := func() error {
		res, err := c.UIDSearch(&goimap.SearchCriteria{Text: []string{needle}}, nil).Wait()
		if err == nil && len(res.AllUIDs()) != 1 {
			err = fmt.Errorf("SEARCH TEXT %s found %d posts, want 1", needle, len(res.AllUIDs()))
		}
		return err
	}
	first, err := timed(fetch)
	if err != nil {
		return err
	}
	fetches, err := repeat(fetch, runs)
	if err != nil {
		return err
	}
	searches, err := repeat(search, runs)
	if err != nil {
		return err
	}
	fmt.Printf("UID FETCH 1:* (UID FLAGS ENVELOPE) of %d posts: first %s; then %s (target < 1000 ms)\n",
		posts, ms(first), summary(fetches))
	fmt.Printf("UID SEARCH TEXT %q over %d posts (1 hit): %s (target < 200 ms)\n", needle, posts, summary(searches))
	return nil
}

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
	sorted := slices.Clone(ds)
	slices.Sort(sorted)
	return fmt.Sprintf("%s ms, median %s", strings.Join(parts, " / "), ms(sorted[len(sorted)/2]))
}

func ms(d time.Duration) string { return fmt.Sprintf("%.0f ms", float64(d)/1e6) }
