package crashtest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestBackupBinaryWhilePosting runs `groupd backup` while posts stream in,
// then `groupd restore` into a fresh data_dir, then a daemon on it: every
// post acknowledged before the backup started is in the restored archive
// and queued for every recipient, and the restored store passes its
// checks.
func TestBackupBinaryWhilePosting(t *testing.T) {
	bin := buildGroupd(t)
	e := newEnv(t, bin, newSink(t, 0))
	e.start()
	want := setupTeam(t, e)
	var mu sync.Mutex
	var acked []string
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for j := 0; ; j++ {
			select {
			case <-stop:
				return
			default:
			}
			id := fmt.Sprintf("b%d@crash.test", j)
			if err := e.post("alice@example.test", "team@lists.example.test", id, "backed up"); err != nil {
				t.Errorf("post %s: %v", id, err)
				return
			}
			mu.Lock()
			acked = append(acked, id)
			mu.Unlock()
		}
	}()
	time.Sleep(300 * time.Millisecond)
	mu.Lock()
	before := append([]string{}, acked...)
	mu.Unlock()
	archive := filepath.Join(t.TempDir(), "groupd.tar.gz")
	if out, err := exec.Command(bin, "backup", "-config", e.cfg, archive).CombinedOutput(); err != nil {
		t.Fatalf("groupd backup: %v\n%s", err, out)
	}
	close(stop)
	wg.Wait()
	e.kill()

	r := newEnv(t, bin, e.relay)
	if out, err := exec.Command(bin, "restore", "-config", r.cfg, archive).CombinedOutput(); err != nil || !strings.Contains(string(out), "integrity ok") {
		t.Fatalf("groupd restore: %v\n%s", err, out)
	}
	if out, err := exec.Command(bin, "restore", "-config", r.cfg, archive).CombinedOutput(); err == nil || !strings.Contains(string(out), "not empty") {
		t.Fatalf("a second restore over the data was not refused: %v\n%s", err, out)
	}
	if len(before) < 3 {
		t.Fatalf("only %d posts before the backup: the test proves little", len(before))
	}
	for _, s := range append(checkPosts(t, r, before, want), r.checkStore()...) {
		t.Errorf("restored: %s", s)
	}
	r.start() // the restored data_dir serves again
	if b, err := os.ReadFile(filepath.Join(r.dir, "admin-token")); err != nil || strings.TrimSpace(string(b)) != e.token {
		t.Errorf("the admin token was not restored")
	}
	r.mustAPI("GET", "/api/v1/groups/team", "", "", 200)
	t.Logf("backup while posting: %d posts acknowledged before the backup, %d in all", len(before), len(acked))
}
