package crashtest

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
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
	data, acks, kills := runWriter(t, nil, checkUploads)
	tmp, _ := os.ReadDir(filepath.Join(data, "tmp"))
	t.Logf("folder upload: %d kill points, %d versions acknowledged, %d orphan blobs left by kills (all swept), %d temporary files left, %d violations",
		points(t), acks, kills.extra, len(tmp), kills.violations)
}

// TestCrashCalendarWrite kills a process in the middle of calendar object
// writes (the storage path of a CalDAV PUT; groupd does not serve CalDAV
// yet): every object holds its acknowledged or in-flight version, and the
// sync-collection change log names every object there is.
func TestCrashCalendarWrite(t *testing.T) {
	_, acks, kills := runWriter(t, []string{"-cal"}, checkEvents)
	t.Logf("calendar write: %d kill points, %d versions acknowledged, %d violations", points(t), acks, kills.violations)
}

type tally struct{ violations, extra int }

// runWriter builds internal/uploader, sets up a data dir, and runs it with
// args, killing it at points(t) random moments; after each kill check
// sees the versions acknowledged per name and the one that may have been
// in flight.
func runWriter(t *testing.T, args []string, check func(t *testing.T, data string, acked map[string]int, inFlight int) ([]string, int)) (string, int, tally) {
	up := filepath.Join(t.TempDir(), "uploader")
	if out, err := exec.Command("go", "build", "-o", up, "groupd/crashtest/internal/uploader").CombinedOutput(); err != nil {
		t.Fatalf("build uploader: %v\n%s", err, out)
	}
	data := t.TempDir()
	if out, err := exec.Command(up, "-data", data, "-setup").CombinedOutput(); err != nil {
		t.Fatalf("setup: %v\n%s", err, out)
	}
	rnd := newRand(t)
	acked := map[string]int{} // name -> last acknowledged version
	next, acks := 0, 0
	var k tally
	for p := 0; p < points(t); p++ {
		cmd := exec.Command(up, append([]string{"-data", data, "-start", fmt.Sprint(next)}, args...)...)
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
				var name string
				var v int
				fmt.Sscanf(l, "ok %s %d", &name, &v)
				acked[name], last = v, v
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
		v, extra := check(t, data, acked, last+1)
		for _, s := range v {
			t.Errorf("kill point %d: %s", p, s)
		}
		k.violations += len(v)
		k.extra += extra
		next = last + 2 // the version in flight may have landed
	}
	return data, acks, k
}

// openData opens the store of a writer's data dir, as a restart would.
func openData(data string) (*groups.Store, error) {
	return groups.Open(groups.Options{Path: filepath.Join(data, "groupd.db"), BlobDir: filepath.Join(data, "blobs"),
		MailDomains: []string{"lists.example.test"}, InternalDomains: []string{"example.test"}})
}

// checkEvents checks every calendar object and the change log.
func checkEvents(t *testing.T, data string, acked map[string]int, inFlight int) ([]string, int) {
	st, err := openData(data)
	if err != nil {
		return []string{"open: " + err.Error()}, 0
	}
	defer st.Close()
	ctx := t.Context()
	var v []string
	if rep, err := st.Check(ctx); err != nil || !rep.OK() {
		v = append(v, fmt.Sprintf("check: %+v %v", rep, err))
	}
	c, err := st.Calendar(ctx, groups.Actor{Email: "alice@example.test"}, "team", groups.FeatureEvent)
	if err != nil {
		return append(v, err.Error()), 0
	}
	changes, _, err := c.Changes(ctx, 0)
	if err != nil {
		return append(v, "changes: "+err.Error()), 0
	}
	logged := map[string]bool{}
	for _, ch := range changes {
		logged[ch.Name] = !ch.Deleted
	}
	for name, a := range acked {
		o, err := c.Get(ctx, name)
		if err != nil {
			v = append(v, fmt.Sprintf("%s (version %d acknowledged): %v", name, a, err))
			continue
		}
		ok := strings.Contains(o.Data, fmt.Sprintf("SEQUENCE:%d\r\n", a)) ||
			(fmt.Sprintf("e%d.ics", inFlight%5) == name && strings.Contains(o.Data, fmt.Sprintf("SEQUENCE:%d\r\n", inFlight)))
		if !ok || int64(len(o.Data)) != o.Size {
			v = append(v, fmt.Sprintf("%s is neither version %d (acknowledged) nor %d (in flight), or its size is wrong: %q", name, a, inFlight, o.Data))
		}
		if !logged[name] {
			v = append(v, name+" exists but the sync change log does not name it")
		}
	}
	return v, 0
}

// checkUploads opens the store after a kill and checks every file; it
// returns the violations and the orphans found before the sweep.
func checkUploads(t *testing.T, data string, acked map[string]int, inFlight int) ([]string, int) {
	st, err := openData(data)
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
