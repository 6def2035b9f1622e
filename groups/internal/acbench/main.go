// Command acbench measures autocomplete (GET /api/v1/autocomplete?q=)
// through the real groupd binary at the listing benchmark's fixture
// (100,000 groups, 20% private; 20,000 users with 50 memberships each):
// it opens the store the daemon will use (SQLite in node a's data_dir, or
// a fresh PostgreSQL database), fills it with groups.FillBenchmarkFixture
// (the generator BenchmarkListing uses), closes it, starts the daemon(s)
// on it, gives -logins fixture users a password over the admin API and
// times -requests look-ups as those users with random 1-3 character
// prefixes of real group names, one at a time over HTTP keep-alive,
// alternating between the nodes. It prints p50 and p99 (target p99 under
// 5 ms, issue 15). bench/scale.sh runs it.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"time"

	"groupd/config"
	"groupd/daemon"
	"groupd/groups"
	"groupd/internal/groupdproc"
)

func main() {
	bin := flag.String("groupd", "", "the groupd binary to run (required)")
	nGroups := flag.Int("groups", 100000, "groups in the fixture")
	nUsers := flag.Int("users", 20000, "users in the fixture")
	perUser := flag.Int("per-user", 50, "memberships per user")
	logins := flag.Int("logins", 20, "fixture users who log in and type")
	requests := flag.Int("requests", 2000, "timed look-ups")
	backend := groupdproc.BackendFlags(flag.CommandLine)
	flag.Parse()
	if *bin == "" {
		fmt.Fprintln(os.Stderr, "acbench: -groupd BINARY is required")
		os.Exit(2)
	}
	f := fixture{groups: *nGroups, users: *nUsers, perUser: *perUser}
	if err := run(*bin, f, min(*logins, *nUsers), *requests, *backend); err != nil {
		fmt.Fprintln(os.Stderr, "acbench:", err)
		os.Exit(1)
	}
}

type fixture struct{ groups, users, perUser int }

func run(bin string, f fixture, logins, requests int, b groupdproc.Backend) error {
	root, err := os.MkdirTemp("", "acbench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(root)
	c, err := b.New(root)
	if err != nil {
		return err
	}
	defer c.Close()
	t0 := time.Now()
	names, err := load(c, f)
	if err != nil {
		return err
	}
	fmt.Printf("store: %s; fixture of %d groups, %d users, %d memberships loaded in %.1f s\n",
		b.Label(), f.groups, f.users, f.users*f.perUser, time.Since(t0).Seconds())
	if err := c.Start(groupdproc.Options{Bin: bin, Relay: "127.0.0.1:9", Listen: []string{"http"}}, b.Nodes); err != nil {
		return err
	}
	lat, err := measure(c, names, logins, requests)
	if err != nil {
		return err
	}
	slices.Sort(lat)
	fmt.Printf("autocomplete over HTTP, %d look-ups by %d users on %d node(s): p50 %.2f ms, p99 %.2f ms (target p99 < 5 ms)\n",
		len(lat), logins, len(c.Nodes), ms(lat[len(lat)/2]), ms(lat[len(lat)*99/100]))
	fmt.Printf("groupd's peak RSS: %.0f MiB\n", float64(c.Node(0).PeakRSS())/(1<<20))
	return nil
}

// load fills the cluster's empty store with the fixture, opened as the
// daemon opens it with groupdproc's config (config defaults, the
// cluster's database), before any daemon runs; it returns the group
// names.
func load(c *groupdproc.Cluster, f fixture) ([]string, error) {
	cfg := config.Defaults()
	o := groups.Options{Driver: groups.DriverSQLite, Path: c.SQLitePath(),
		BlobDir:     filepath.Join(filepath.Dir(c.SQLitePath()), "blobs"),
		MailDomains: cfg.Mail.Domains, InternalDomains: cfg.Mail.InternalDomains, Hostname: cfg.Hostname}
	if c.DSN != "" {
		o.Driver, o.DSN, o.Path, o.BlobDir = groups.DriverPostgres, c.DSN, "", ""
	}
	if err := os.MkdirAll(filepath.Dir(c.SQLitePath()), 0o700); err != nil {
		return nil, err
	}
	st, err := groups.Open(daemon.StoreOptions(o)) // as the daemon opens it
	if err != nil {
		return nil, err
	}
	defer st.Close()
	names, _, err := st.FillBenchmarkFixture(context.Background(), f.groups, f.users, f.perUser)
	return names, err
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

const password = "password1"

// measure gives the first logins fixture users a password, logs each in
// once on every node (a login runs argon2id; the nodes then hold it in
// their login caches, as for a user typing), and times requests
// look-ups, request i on node i mod n.
func measure(c *groupdproc.Cluster, names []string, logins, requests int) ([]time.Duration, error) {
	user := func(i int) string { return fmt.Sprintf("u%d@example.test", i) }
	for i := range logins {
		if _, err := c.Node(0).API("PATCH", "/api/v1/users/"+user(i), map[string]string{"password": password}, 200); err != nil {
			return nil, err
		}
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	for i := range logins {
		for n := range c.Nodes {
			if err := lookup(client, c.Node(n).Addr("http"), user(i), "a"); err != nil {
				return nil, err
			}
		}
	}
	r := rand.New(rand.NewPCG(3, 4)) // the seed of BenchmarkListing
	lat := make([]time.Duration, 0, requests)
	for i := range requests {
		q := string([]rune(names[r.IntN(len(names))])[:1+r.IntN(3)])
		u := user(r.IntN(logins))
		t0 := time.Now()
		if err := lookup(client, c.Node(i).Addr("http"), u, q); err != nil {
			return nil, err
		}
		lat = append(lat, time.Since(t0))
	}
	return lat, nil
}

// lookup is one autocomplete request, read to its end.
func lookup(client *http.Client, addr, user, q string) error {
	req, err := http.NewRequest("GET", "http://"+addr+"/api/v1/autocomplete?q="+url.QueryEscape(q), nil)
	if err != nil {
		return err
	}
	req.SetBasicAuth(user, password)
	res, err := client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err == nil && res.StatusCode != 200 {
		err = fmt.Errorf("autocomplete %q as %s: %d %.200s", q, user, res.StatusCode, body)
	}
	return err
}
