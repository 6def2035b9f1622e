package cluster

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// bigFileEnv shrinks TestClusterBigFile's file for a quick run: a size in
// MiB (the default is 1024, 1 GiB).
const bigFileEnv = "GROUPD_CLUSTER_BIGFILE_MIB"

// rssGrowthMax bounds how much each node's resident memory may grow
// during the transfer: the file is streamed, never held whole.
const rssGrowthMax = 128 << 20

// TestClusterBigFile: a 1 GiB file PUT over WebDAV on node A is read by a
// GET on node B, byte for byte (SHA-256 of what was sent and of what came
// back), with the same Content-Length and ETag. The nodes keep the blob in
// PostgreSQL (the postgres BlobStore, the default with driver "postgres"),
// not in their data_dir: B can read it only from there. Neither node's
// resident memory grows by 128 MiB or more meanwhile.
func TestClusterBigFile(t *testing.T) {
	size := int64(1024) << 20
	if s := os.Getenv(bigFileEnv); s != "" {
		mib, err := strconv.ParseInt(s, 10, 64)
		if err != nil || mib <= 0 {
			t.Fatalf("%s=%q: want a positive number of MiB", bigFileEnv, s)
		}
		size = mib << 20
	}
	c := startCluster(t, startRelay(t, 0))
	smallTeam(t, c)
	const path = "/dav/files/team/big.bin"
	url := func(n *node) string { return "http://" + n.Addr("http") + path }

	rss := watchRSS(t, c)

	// PUT on A: a deterministic pseudo-random body, hashed as it is sent.
	sent := sha256.New()
	body := io.TeeReader(io.LimitReader(rand.NewChaCha8([32]byte{'g', 'r', 'o', 'u', 'p', 'd'}), size), sent)
	req, err := http.NewRequest("PUT", url(c.a()), body)
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = size
	req.SetBasicAuth(alice, "password1")
	req.Header.Set("Content-Type", "application/octet-stream")
	start := time.Now()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("PUT on node A: %v", err)
	}
	msg, _ := io.ReadAll(res.Body)
	res.Body.Close()
	putTook := time.Since(start)
	if res.StatusCode != 201 {
		t.Fatalf("PUT on node A: %d %s", res.StatusCode, msg)
	}
	putETag := res.Header.Get("ETag")
	t.Logf("PUT %d MiB on node A: %v, %.1f MB/s", size>>20, putTook.Round(time.Millisecond), mbps(size, putTook))

	// The bytes are in PostgreSQL and in no node's data_dir.
	if n := c.count(t, `SELECT COUNT(*) FROM blob_chunks`); int64(n) != (size+(1<<20)-1)>>20 {
		t.Errorf("%d rows in blob_chunks, want %d (1 MiB chunks)", n, (size+(1<<20)-1)>>20)
	}
	for _, n := range c.nodes {
		if big := biggestFile(t, n.DataDir); big > 1<<20 {
			t.Errorf("node %s keeps a file of %d bytes in its data_dir: the blob should be in PostgreSQL only", n.name, big)
		}
	}

	// GET on B, hashed as it arrives.
	req, err = http.NewRequest("GET", url(c.b()), nil)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(bob, "password1")
	start = time.Now()
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET on node B: %v", err)
	}
	got := sha256.New()
	n, err := io.Copy(got, res.Body)
	res.Body.Close()
	getTook := time.Since(start)
	if res.StatusCode != 200 {
		t.Fatalf("GET on node B: %d", res.StatusCode)
	}
	if err != nil {
		t.Fatalf("GET on node B: after %d bytes: %v", n, err)
	}
	t.Logf("GET %d MiB on node B: %v, %.1f MB/s", n>>20, getTook.Round(time.Millisecond), mbps(n, getTook))

	growth := rss.stop()
	if n != size {
		t.Errorf("GET on node B returned %d bytes, want %d", n, size)
	}
	if res.ContentLength != size {
		t.Errorf("GET on node B: Content-Length %d, want %d", res.ContentLength, size)
	}
	sentSum, gotSum := hex.EncodeToString(sent.Sum(nil)), hex.EncodeToString(got.Sum(nil))
	if sentSum != gotSum {
		t.Errorf("SHA-256 of the GET on node B %s, of the PUT on node A %s", gotSum, sentSum)
	} else {
		t.Logf("SHA-256 %s both ways", sentSum)
	}
	getETag := res.Header.Get("ETag")
	if getETag == "" || (putETag != "" && getETag != putETag) {
		t.Errorf("ETag: PUT on node A %q, GET on node B %q", putETag, getETag)
	}
	if code, b := dav(t, c.a(), alice, "HEAD", path, "", nil); code != 200 {
		t.Errorf("HEAD on node A: %d %s", code, b)
	}
	for i, g := range growth {
		t.Logf("node %s: VmRSS grew by %.1f MiB at most (from %.1f MiB)", c.nodes[i].name, float64(g.max)/(1<<20), float64(g.base)/(1<<20))
		if g.max >= rssGrowthMax {
			t.Errorf("node %s: VmRSS grew by %d MiB, want under %d MiB", c.nodes[i].name, g.max>>20, rssGrowthMax>>20)
		}
	}
}

func mbps(n int64, d time.Duration) float64 { return float64(n) / 1e6 / d.Seconds() }

// biggestFile is the size of the largest regular file under dir.
func biggestFile(t *testing.T, dir string) int64 {
	t.Helper()
	var max int64
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if fi, err := d.Info(); err == nil && fi.Size() > max {
			max = fi.Size()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return max
}

// rssGrowth is a node's VmRSS before the transfer and its largest growth
// beyond that.
type rssGrowth struct{ base, max int64 }

// rssWatch samples each node's VmRSS every 50 ms.
type rssWatch struct {
	done chan struct{}
	wg   sync.WaitGroup
	g    [2]rssGrowth
}

func watchRSS(t *testing.T, c *cluster) *rssWatch {
	t.Helper()
	w := &rssWatch{done: make(chan struct{})}
	for i, n := range c.nodes {
		pid := n.Cmd.Process.Pid
		base, err := vmRSS(pid)
		if err != nil {
			t.Fatalf("node %s: %v", n.name, err)
		}
		w.g[i].base = base
		w.wg.Add(1)
		go func() {
			defer w.wg.Done()
			tick := time.NewTicker(50 * time.Millisecond)
			defer tick.Stop()
			for {
				if v, err := vmRSS(pid); err == nil && v-base > w.g[i].max {
					w.g[i].max = v - base
				}
				select {
				case <-w.done:
					return
				case <-tick.C:
				}
			}
		}()
	}
	return w
}

// stop ends the sampling and returns each node's growth.
func (w *rssWatch) stop() [2]rssGrowth {
	close(w.done)
	w.wg.Wait()
	return w.g
}

// vmRSS reads VmRSS from /proc/<pid>/status, in bytes.
func vmRSS(pid int) (int64, error) {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10, err
		}
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, os.ErrNotExist
}
