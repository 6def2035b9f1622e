package crashtest

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"groupd/groups"
	"groupd/internal/testkit"
)

// content is version v of a file: its size and every byte derive from v.
func content(v int) []byte {
	return bytes.Repeat([]byte{byte(v), byte(v >> 8)}, 500+v*373%40000)
}

// event is version v of the calendar object uid.
func event(uid string, v int) string {
	return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//crashtest//EN\r\nBEGIN:VEVENT\r\nUID:" + uid +
		"\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260105T100000Z\r\nSEQUENCE:" + fmt.Sprint(v) +
		"\r\nSUMMARY:version " + fmt.Sprint(v) + "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
}

// TestCrashFolderUpload kills groupd in the middle of WebDAV uploads
// (PUT /dav/files/team/fN, versions written in turn to five files). After
// each kill: every file holds its last acknowledged version or the one in
// flight, never a mix; no referenced blob is missing; orphans (renamed,
// never committed) are garbage that SweepFolderBlobs removes without
// touching a live blob.
func TestCrashFolderUpload(t *testing.T) {
	data, acks, k := runWriter(t, func(v int) (string, string, []byte) {
		return fmt.Sprintf("f%d", v%5), "/dav/files/team/" + fmt.Sprintf("f%d", v%5), content(v)
	}, checkUploads)
	tmp, _ := os.ReadDir(filepath.Join(data, "blobs", ".uploads"))
	t.Logf("folder upload: %d kill points, %d versions acknowledged, %d orphan blobs left by kills (all swept), %d temporary files left, %d violations",
		points(t), acks, k.extra, len(tmp), k.violations)
}

// TestCrashCalendarWrite kills groupd in the middle of CalDAV PUTs of
// five events in turn: every object holds its acknowledged or in-flight
// version, and the sync-collection change log names every object there
// is.
func TestCrashCalendarWrite(t *testing.T) {
	_, acks, k := runWriter(t, func(v int) (string, string, []byte) {
		name := fmt.Sprintf("e%d.ics", v%5)
		return name, "/dav/calendars/team/events/" + name, []byte(event(name, v))
	}, checkEvents)
	t.Logf("calendar write: %d kill points, %d versions acknowledged, %d violations", points(t), acks, k.violations)
}

type tally struct{ violations, extra int }

// version names what PUT number v writes: the name the checks know it
// by, the request path and the body.
type version func(v int) (name, path string, body []byte)

// runWriter runs groupd, has alice PUT versions 0, 1, 2, ... over HTTP
// and kills groupd with SIGKILL at points(t) random moments; after each
// kill, with groupd down, check sees the data_dir, the version
// acknowledged (201 or 204) per name and the one that may have been in
// flight.
func runWriter(t *testing.T, put version, check func(t *testing.T, data string, acked map[string]int, inFlight int) ([]string, int)) (string, int, tally) {
	e := newEnv(t, buildGroupd(t), newSink(t, 0))
	e.start()
	e.mustAPI("POST", "/api/v1/users", "", `{"email":"alice@example.test","name":"Alice","password":"password1"}`, 201)
	e.mustAPI("POST", "/api/v1/groups", "", `{"id":"team","name":"Team","notify":false,"masters":["alice@example.test"]}`, 201)
	e.kill()
	rnd := newRand(t)
	acked := map[string]int{} // name -> last acknowledged version
	next, acks := 0, 0
	var k tally
	for p := 0; p < points(t); p++ {
		e.start()
		stop := make(chan struct{})
		done := make(chan int)
		go func() { done <- writeVersions(e, put, next, stop, acked, &acks) }()
		time.Sleep(time.Duration(50+rnd.IntN(400)) * time.Millisecond)
		e.kill()
		close(stop)
		last := <-done
		v, extra := check(t, e.dir, acked, last+1)
		for _, s := range v {
			t.Errorf("kill point %d: %s", p, s)
		}
		k.violations += len(v)
		k.extra += extra
		// The version in flight may have landed or not: send it again, so
		// that it is acknowledged or superseded before another is in flight.
		next = last + 1
	}
	return e.dir, acks, k
}

// writeVersions PUTs versions from next on until a request fails (the
// daemon was killed) and returns the last acknowledged one (next-1 if
// none).
func writeVersions(e *env, put version, next int, stop <-chan struct{}, acked map[string]int, acks *int) int {
	client := &http.Client{Timeout: 10 * time.Second}
	for v := next; ; v++ {
		name, path, body := put(v)
		req, _ := http.NewRequest("PUT", "http://"+e.http+path, bytes.NewReader(body))
		req.SetBasicAuth("alice@example.test", "password1")
		res, err := client.Do(req)
		if err != nil {
			return v - 1
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		select {
		case <-stop: // killed while the answer was on its way: not counted
			return v - 1
		default:
		}
		if res.StatusCode != http.StatusCreated && res.StatusCode != http.StatusNoContent {
			e.t.Errorf("PUT %s (version %d): %d", path, v, res.StatusCode)
			return v - 1
		}
		acked[name] = v
		*acks++
	}
}

// openData opens the store of a writer's data dir, as a restart would.
func openData(data string) (*groups.Store, error) {
	return groups.Open(testkit.StoreOptions(groups.Options{Path: filepath.Join(data, "groupd.db"), BlobDir: filepath.Join(data, "blobs"),
		MailDomains: []string{"lists.example.test"}, InternalDomains: []string{"example.test"}}))
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
