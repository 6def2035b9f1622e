package smtp

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"groupd/internal/testdb"
)

// daemon is a testdaemon process.
type daemon struct {
	cmd  *exec.Cmd
	addr string
	log  *bytes.Buffer
}

func buildDaemon(t *testing.T) string {
	t.Helper()
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go toolchain to build the test daemon")
	}
	bin := filepath.Join(t.TempDir(), "testdaemon")
	out, err := exec.Command(gobin, "build", "-o", bin, "./internal/testdaemon").CombinedOutput()
	if err != nil {
		t.Fatalf("build testdaemon: %v\n%s", err, out)
	}
	return bin
}

func startDaemon(t *testing.T, bin string, db testdb.DB, relay string, args ...string) *daemon {
	t.Helper()
	addrFile := filepath.Join(t.TempDir(), "addr")
	d := &daemon{log: &bytes.Buffer{}}
	d.cmd = exec.Command(bin, append([]string{"-db", db.Path, "-driver", db.Driver, "-dsn", db.DSN, "-relay", relay, "-addr-file", addrFile}, args...)...)
	d.cmd.Stderr = d.log
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if d.cmd.ProcessState == nil {
			d.cmd.Process.Kill()
			d.cmd.Wait()
		}
	})
	deadline := time.Now().Add(60 * time.Second)
	for {
		if b, err := os.ReadFile(addrFile); err == nil {
			d.addr = string(b)
			return d
		}
		if time.Now().After(deadline) {
			t.Fatalf("daemon did not start:\n%s", d.log)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestCrashMidDelivery: a post to a 2,000-member list, a slow relay, kill
// -9 of the daemon mid-delivery, a restart: every recipient gets the post,
// and only the transactions in flight at the kill are repeated.
func TestCrashMidDelivery(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills a daemon")
	}
	const members, concurrency, batchSize = 2000, 4, 100
	bin := buildDaemon(t)
	db := testdb.New(t)
	r := startRelay(t)
	r.mu.Lock()
	r.delay = 100 * time.Millisecond
	r.mu.Unlock()
	d := startDaemon(t, bin, db, r.addr, "-seed", "big:2000", "-concurrency", "4")
	if err := send(t, d.addr, stranger, []string{"big@" + listDomain}, "From: "+stranger+"\r\nSubject: crash\r\n\r\nsurvive\r\n"); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(60 * time.Second); len(r.envelopes()) < concurrency; {
		if time.Now().After(deadline) {
			t.Fatalf("the daemon delivered nothing:\n%s", d.log)
		}
		time.Sleep(5 * time.Millisecond)
	}
	d.cmd.Process.Signal(syscall.SIGKILL)
	d.cmd.Wait()
	before := len(r.received())
	if before >= members+1 {
		t.Fatalf("delivery finished (%d) before the kill; the relay is not slow enough", before)
	}
	t.Logf("killed with %d of %d recipients handed over", before, members+1)

	r.mu.Lock()
	r.delay = 0
	r.mu.Unlock()
	d = startDaemon(t, bin, db, r.addr, "-concurrency", "4")
	got := r.waitRcpts(t, members+1)
	deadline := time.Now().Add(30 * time.Second)
	for len(got) < members+1 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		got = r.received()
	}
	if len(got) != members+1 {
		t.Fatalf("%d distinct recipients got the post, want %d", len(got), members+1)
	}
	dups := 0
	for _, msgs := range got {
		dups += len(msgs) - 1
	}
	if dups > concurrency*batchSize {
		t.Fatalf("%d duplicates, more than the %d rows in flight", dups, concurrency*batchSize)
	}
	t.Logf("%d duplicates after the restart", dups)
	d.cmd.Process.Signal(syscall.SIGTERM)
	if err := d.cmd.Wait(); err != nil {
		t.Fatalf("graceful stop: %v\n%s", err, d.log)
	}
}
