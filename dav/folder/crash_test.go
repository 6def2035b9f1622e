package folder

import (
	"bufio"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// folderd builds and starts the folderd command on the database db and
// returns the process and its base URL.
func folderd(t *testing.T, bin, db string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(bin, "-db", db, "-addr", "127.0.0.1:0", "-setup")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("folderd did not start: %v", err)
	}
	return cmd, "http://" + strings.TrimSpace(strings.TrimPrefix(line, "listening "))
}

// slowZeros yields n bytes and reports on sent once half of them are out.
type slowZeros struct {
	n, done int64
	sent    chan struct{}
}

func (z *slowZeros) Read(p []byte) (int, error) {
	if z.done >= z.n {
		return 0, io.EOF
	}
	if z.done >= z.n/5 && z.sent != nil {
		close(z.sent)
		z.sent = nil
		time.Sleep(time.Second) // be killed meanwhile
	}
	k := int(min(int64(len(p)), z.n-z.done))
	clear(p[:k])
	z.done += int64(k)
	return k, nil
}

// TestKillDuringUpload kills the server (SIGKILL) in the middle of a
// 500 MB PUT: after a restart the previous version is intact and no
// half-written upload is left.
func TestKillDuringUpload(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary and uploads 500 MB")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "folderd")
	if out, err := exec.Command("go", "build", "-o", bin, "groupd/dav/folder/internal/folderd").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	db := filepath.Join(dir, "groupd.db")
	cmd, base := folderd(t, bin, db)
	put := func(base string, body io.Reader, n int64) (*http.Response, error) {
		req, _ := http.NewRequest("PUT", base+"/dav/files/team/big.bin", body)
		req.SetBasicAuth("bob@example.test", pw)
		req.ContentLength = n
		return http.DefaultClient.Do(req)
	}
	resp, err := put(base, strings.NewReader("version one"), 11)
	if err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("first PUT: %v %v", resp, err)
	}
	resp.Body.Close()

	z := &slowZeros{n: 500 << 20, sent: make(chan struct{})}
	sent := z.sent
	go func() {
		<-sent
		cmd.Process.Kill()
	}()
	if resp, err := put(base, z, z.n); err == nil {
		resp.Body.Close()
		t.Fatalf("the big PUT was answered %d", resp.StatusCode)
	}
	cmd.Wait()
	if m, _ := filepath.Glob(filepath.Join(dir, "blobs", ".uploads", "put-*")); len(m) == 0 {
		t.Fatal("the killed upload left no temporary file: the test did not kill mid-upload")
	}

	_, base = folderd(t, bin, db)
	req, _ := http.NewRequest("GET", base+"/dav/files/team/big.bin", nil)
	req.SetBasicAuth("bob@example.test", pw)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "version one" {
		t.Fatalf("after the crash: %d bytes", len(b))
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "blobs", ".uploads", "put-*")); len(m) != 0 {
		t.Fatalf("half-written uploads left after restart: %v", m)
	}
}
