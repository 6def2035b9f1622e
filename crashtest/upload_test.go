package crashtest

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"groupd/groups"
)

// content is version v of a file, as internal/uploader writes it.
func content(v int) []byte {
	return bytes.Repeat([]byte{byte(v), byte(v >> 8)}, 500+v*373%40000)
}

// TestCrashFolderUpload kills a process in the middle of folder uploads
// (the storage path of a WebDAV PUT; groupd does not serve WebDAV yet, so
// internal/uploader drives the store directly). After each kill: every
// file holds its last acknowledged version or the one in flight, never a
// mix; no referenced blob is missing; orphans (renamed, never committed)
// are garbage that SweepFolderBlobs removes without touching a live blob.
func TestCrashFolderUpload(t *testing.T) {
	up := filepath.Join(filepath.Dir(groupdBin), "uploader")
	if out, err := exec.Command("go", "build", "-o", up, "groupd/crashtest/internal/uploader").CombinedOutput(); err != nil {
		t.Fatalf("build uploader: %v\n%s", err, out)
	}
	data := t.TempDir()
	if out, err := exec.Command(up, "-data", data, "-setup").CombinedOutput(); err != nil {
		t.Fatalf("setup: %v\n%s", err, out)
	}
	rnd := newRand(t)
	acked := map[string]int{} // path -> last acknowledged version
	next, violations, orphans, acks := 0, 0, 0, 0
	for p := 0; p < points(t); p++ {
		cmd := exec.Command(up, "-data", data, "-start", fmt.Sprint(next))
		out, _ := cmd.StdoutPipe()
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := make(chan string)
		go func() {
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
		}()
		kill := time.After(time.Duration(50+rnd.IntN(400)) * time.Millisecond)
		last := next - 1
	read:
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					break read
				}
				var path string
				var v int
				fmt.Sscanf(l, "ok %s %d", &path, &v)
				acked[path], last = v, v
				acks++
			case <-kill:
				cmd.Process.Signal(syscall.SIGKILL)
				kill = nil
			}
		}
		cmd.Wait()
		if kill != nil {
			t.Fatalf("uploader ended by itself: %s", stderr.String())
		}
		v, o := checkUploads(t, data, acked, last+1)
		for _, s := range v {
			t.Errorf("kill point %d: %s", p, s)
		}
		violations += len(v)
		orphans += o
		next = last + 2 // the version in flight may have landed
	}
	tmp, _ := os.ReadDir(filepath.Join(data, "tmp"))
	t.Logf("folder upload: %d kill points, %d versions acknowledged, %d orphan blobs left by kills (all swept), %d temporary files left, %d violations",
		points(t), acks, orphans, len(tmp), violations)
}

// checkUploads opens the store after a kill and checks every file; it
// returns the violations and the orphans found before the sweep.
func checkUploads(t *testing.T, data string, acked map[string]int, inFlight int) ([]string, int) {
	st, err := groups.Open(groups.Options{Path: filepath.Join(data, "groupd.db"), BlobDir: filepath.Join(data, "blobs"),
		MailDomains: []string{"lists.example.test"}, InternalDomains: []string{"example.test"}})
	if err != nil {
		return []string{"open: " + err.Error()}, 0
	}
	defer st.Close()
	ctx := t.Context()
	var v []string
	rep, err := st.Check(ctx)
	if err != nil || rep.Integrity != "ok" || rep.ForeignKeys > 0 || len(rep.Missing) > 0 {
		v = append(v, fmt.Sprintf("check: %+v %v", rep, err))
	}
	f, err := st.OpenFolder(ctx, groups.Actor{Email: "alice@example.test"}, "team", 1<<40)
	if err != nil {
		return append(v, err.Error()), 0
	}
	for path, a := range acked {
		fh, _, err := f.Open(ctx, path)
		if err != nil {
			v = append(v, fmt.Sprintf("%s (version %d acknowledged): %v", path, a, err))
			continue
		}
		b, _ := io.ReadAll(fh)
		fh.Close()
		ok := bytes.Equal(b, content(a)) || (fmt.Sprintf("f%d", inFlight%5) == path && bytes.Equal(b, content(inFlight)))
		if !ok {
			v = append(v, fmt.Sprintf("%s holds %d bytes that are neither version %d (acknowledged) nor %d (in flight)", path, len(b), a, inFlight))
		}
	}
	if _, err := st.SweepFolderBlobs(ctx, 0); err != nil {
		v = append(v, "sweep: "+err.Error())
	}
	after, err := st.Check(ctx)
	if err != nil || len(after.Orphans) > 0 || len(after.Missing) > 0 {
		v = append(v, fmt.Sprintf("after the sweep: %d orphans, missing %v, %v", len(after.Orphans), after.Missing, err))
	}
	return v, len(rep.Orphans)
}
