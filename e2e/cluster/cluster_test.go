package cluster

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"groupd/internal/groupdproc"
	"groupd/internal/testdb"
)

var bin string // the groupd binary, built once

func TestMain(m *testing.M) {
	if !testdb.Postgres() {
		fmt.Println("e2e/cluster: PostgreSQL only, skipped: set " + testdb.Env)
		os.Exit(m.Run()) // each test skips, saying why
	}
	dir, err := os.MkdirTemp("", "groupd-cluster-")
	if err != nil {
		panic(err)
	}
	if bin, err = groupdproc.Build(dir); err != nil {
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// lease is [database] lease of the nodes here: short, so that a test
// sees a dead node's rows taken over.
const lease = 2 * time.Second

// node is one groupd process of the cluster.
type node struct {
	*groupdproc.Proc
	name string // its node_id and EHLO name
}

// cluster is two nodes on one PostgreSQL database.
type cluster struct {
	db    testdb.DB
	nodes [2]*node
	relay *relay
}

// startCluster starts nodes "a" and "b" at the same moment on a fresh,
// empty database, both relaying through r.
func startCluster(t *testing.T, r *relay) *cluster {
	t.Helper()
	if !testdb.Postgres() {
		t.Skip("PostgreSQL only: set " + testdb.Env)
	}
	c := &cluster{db: testdb.New(t), relay: r}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, name := range []string{"a", "b"} {
		root := filepath.Join(t.TempDir(), name)
		if err := os.MkdirAll(root, 0o700); err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			p, err := groupdproc.Start(groupdproc.Options{Bin: bin, Root: root,
				Relay: r.addr, Listen: []string{"http", "smtp", "imap"}, DSN: c.db.DSN,
				Hostname: name + ".nodes.example.test",
				Database: fmt.Sprintf("node_id = %q\nlease = %q\n", "node-"+name, lease.String())})
			if err != nil {
				errs[i] = fmt.Errorf("node %s: %w", name, err)
				return
			}
			c.nodes[i] = &node{Proc: p, name: name}
		}()
	}
	wg.Wait()
	t.Cleanup(func() {
		for _, n := range c.nodes {
			if n != nil {
				n.Stop()
			}
		}
	})
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	return c
}

// a and b are the nodes.
func (c *cluster) a() *node { return c.nodes[0] }
func (c *cluster) b() *node { return c.nodes[1] }

// count runs a COUNT query on the cluster's database.
func (c *cluster) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	var n int
	if err := c.db.SQL(t).QueryRow(c.db.Q(q), args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// TestClusterStartTogether: two nodes started at the same moment on an
// empty database both come up, with one schema (one version row), and
// either serves what the other created.
func TestClusterStartTogether(t *testing.T) {
	c := startCluster(t, startRelay(t, 0))
	if n := c.count(t, `SELECT COUNT(*) FROM groupd_schema`); n != 1 {
		t.Fatalf("%d schema version rows, want 1", n)
	}
	if v := c.count(t, `SELECT MAX(version) FROM groupd_schema`); v < 14 {
		t.Fatalf("schema version %d, want at least 14", v)
	}
	user(t, c.a(), "alice@example.test")
	if _, err := c.b().API("GET", "/api/v1/users/alice@example.test", nil, 200); err != nil {
		t.Fatalf("node B does not see the user node A created: %v", err)
	}
}

// user creates a user with password "password1" through n's API.
func user(t *testing.T, n *node, email string) {
	t.Helper()
	body := map[string]string{"email": email, "name": email, "password": "password1"}
	if _, err := n.API("POST", "/api/v1/users", body, 201); err != nil {
		t.Fatal(err)
	}
}

// TestClusterAdminToken: both nodes wrote the same admin token to their
// data_dir, and it works on both (and a wrong one on neither).
func TestClusterAdminToken(t *testing.T) {
	c := startCluster(t, startRelay(t, 0))
	if c.a().Token != c.b().Token {
		t.Fatal("the nodes wrote different admin tokens to their data_dir")
	}
	user(t, c.a(), alice)
	for _, n := range c.nodes {
		if _, err := n.API("GET", "/api/v1/users/"+alice, nil, 200); err != nil {
			t.Errorf("node %s refuses the admin token: %v", n.name, err)
		}
	}
	req, _ := http.NewRequest("GET", "http://"+c.b().Addr("http")+"/api/v1/users/"+alice, nil)
	req.Header.Set("Authorization", "Bearer x"+c.a().Token[1:])
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 401 {
		t.Errorf("a wrong token: %d, want 401", res.StatusCode)
	}
}
