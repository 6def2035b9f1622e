package caldav

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestPythonCaldav drives python3-caldav (Debian, /usr/bin/python3) given
// only the bare server URL: discovery, the team calendar by its name,
// saving events, a date search that finds a weekly event months later,
// an edit, a task, a delete (testdata/pycaldav.py).
func TestPythonCaldav(t *testing.T) {
	t.Parallel()
	py := need(t, "/usr/bin/python3", "-c", "import caldav")
	e := start(t)
	out, err := exec.Command(py, "testdata/pycaldav.py", e.d.URL("/"), "bob@example.test", pw).CombinedOutput()
	if err != nil || !strings.HasSuffix(strings.TrimSpace(string(out)), "OK") {
		t.Fatalf("pycaldav: %v\n%s", err, out)
	}
	// What the script left, seen by another member: the weekly event and
	// the task.
	if n := e.count("alice", events); n != 1 {
		t.Fatalf("events after the script: %d objects", n)
	}
	if n := e.count("alice", tasks); n != 1 {
		t.Fatalf("tasks after the script: %d objects", n)
	}
}

// TestVdirsyncer: a two-way sync of the team's events with a local
// folder; what is added, edited or deleted on each side appears on the
// other.
func TestVdirsyncer(t *testing.T) {
	t.Parallel()
	bin := need(t, "/usr/bin/vdirsyncer", "--version")
	e := start(t)
	dir := t.TempDir()
	local := filepath.Join(dir, "local")
	os.MkdirAll(local, 0o700)
	conf := filepath.Join(dir, "config")
	os.WriteFile(conf, []byte(`[general]
status_path = "`+dir+`/status/"

[pair team]
a = "local"
b = "remote"
collections = null
conflict_resolution = "a wins"

[storage local]
type = "filesystem"
path = "`+local+`/"
fileext = ".ics"

[storage remote]
type = "caldav"
url = "`+e.d.URL(events)+`"
username = "bob@example.test"
password = "`+pw+`"
`), 0o600)
	run := func(args ...string) {
		t.Helper()
		cmd := exec.Command(bin, append([]string{"-c", conf}, args...)...)
		cmd.Env = append(os.Environ(), "HOME="+dir)
		cmd.Stdin = strings.NewReader("y\ny\n")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("vdirsyncer %v: %v\n%s", args, err, out)
		}
	}
	e.put("alice", events+"server.ics", ics(event("server-1", "DTSTART:20260110T100000Z", "SUMMARY:From the server")), nil)
	e.put("alice", events+"doomed.ics", ics(event("doomed-1", "DTSTART:20260112T100000Z", "SUMMARY:Doomed on the laptop")), nil)
	os.WriteFile(filepath.Join(local, "local-1.ics"), []byte(ics(event("local-1", "DTSTART:20260111T100000Z", "SUMMARY:From the laptop"))), 0o600)
	run("discover")
	run("sync")

	serverFile, doomedFile := localFile(t, local, "From the server"), localFile(t, local, "Doomed on the laptop")
	if serverFile == "" || doomedFile == "" {
		t.Fatal("the server's events did not reach the folder")
	}
	laptopHref := ""
	for _, h := range hrefs(propfind(e, "alice", events)) {
		if code, body, _ := e.do("alice", "GET", h, "", nil); code == 200 && strings.Contains(body, "From the laptop") {
			laptopHref = h
		}
	}
	if laptopHref == "" {
		t.Fatal("the folder's event did not reach the server")
	}

	// Edit and delete on the laptop, edit and delete on the server.
	b, _ := os.ReadFile(serverFile)
	os.WriteFile(serverFile, []byte(strings.Replace(string(b), "From the server", "Edited on the laptop", 1)), 0o600)
	os.Remove(doomedFile)
	if code, _, _ := e.do("alice", "DELETE", laptopHref, "", nil); code != 204 {
		t.Fatalf("DELETE %s: %d", laptopHref, code)
	}
	e.put("alice", events+"later.ics", ics(event("later-1", "DTSTART:20260113T100000Z", "SUMMARY:Added on the server later")), nil)
	run("sync")

	if _, body, _ := e.do("alice", "GET", events+"server.ics", "", nil); !strings.Contains(body, "Edited on the laptop") {
		t.Fatalf("the laptop's edit did not reach the server: %s", body)
	}
	if code, _, _ := e.do("alice", "GET", events+"doomed.ics", "", nil); code != 404 {
		t.Fatalf("the laptop's delete did not reach the server: %d", code)
	}
	if localFile(t, local, "From the laptop") != "" {
		t.Fatal("the server's delete did not reach the folder")
	}
	if localFile(t, local, "Added on the server later") == "" {
		t.Fatal("the server's later event did not reach the folder")
	}
}

// localFile is the .ics file of dir that contains text, or "".
func localFile(t *testing.T, dir, text string) string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.ics"))
	for _, f := range files {
		if b, _ := os.ReadFile(f); strings.Contains(string(b), text) {
			return f
		}
	}
	return ""
}

func propfind(e *env, user, coll string) string {
	e.t.Helper()
	_, body, _ := e.do(user, "PROPFIND", coll, "", hdr{"Depth": "1"})
	return body
}

// TestPythonCaldavExpand: python3-caldav's date_search(expand=True) gets
// the stand-up's instances in the range from the server, in UTC with
// RECURRENCE-ID, the exception left out and the moved instance moved
// (RFC 4791 §9.6.5; issue 17, bug 2). The script stops python-caldav
// from expanding on its own, which hid the bug.
func TestPythonCaldavExpand(t *testing.T) {
	t.Parallel()
	py := need(t, "/usr/bin/python3", "-c", "import caldav")
	e := start(t)
	out, err := exec.Command(py, "testdata/pycaldav_expand.py", e.d.URL("/"), "bob@example.test", pw).CombinedOutput()
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if err != nil || len(lines) < 2 || lines[len(lines)-1] != "OK" {
		t.Fatalf("pycaldav_expand: %v\n%s", err, out)
	}
	var seen []string
	if err := json.Unmarshal([]byte(lines[len(lines)-2]), &seen); err != nil {
		t.Fatalf("pycaldav_expand printed %s", out)
	}
	want := []string{"Stand-up (moved) 20260305T100000Z 20260305T080000Z",
		"Stand-up 20260303T080000Z 20260303T080000Z", "Stand-up 20260306T080000Z 20260306T080000Z"}
	if !slices.Equal(seen, want) {
		t.Errorf("python3-caldav sees %q, want %q", seen, want)
	}
}
