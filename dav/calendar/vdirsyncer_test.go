package calendar

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestVdirsyncer: a two-way sync of the team calendar with a local
// folder; what changes on each side appears on the other.
func TestVdirsyncer(t *testing.T) {
	t.Parallel()
	bin := need(t, "/usr/bin/vdirsyncer", "--version")
	e := newEnv(t, Options{})
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
url = "`+e.srv.URL+`/dav/calendars/team/events/"
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
	ev := "/dav/calendars/team/events/"
	e.put("alice", ev+"server.ics", ics(event("server-1", "DTSTART:20250110T100000Z", "SUMMARY:From the server")), nil)
	os.WriteFile(filepath.Join(local, "local-1.ics"), []byte(ics(event("local-1", "DTSTART:20250111T100000Z", "SUMMARY:From the laptop"))), 0o600)
	run("discover")
	run("sync")

	files, _ := filepath.Glob(filepath.Join(local, "*.ics"))
	var serverFile string
	for _, f := range files {
		b, _ := os.ReadFile(f)
		if strings.Contains(string(b), "From the server") {
			serverFile = f
		}
	}
	if serverFile == "" {
		t.Fatalf("the server's event did not reach the folder: %v", files)
	}
	_, body, _ := e.do("alice", "REPORT", ev, `<?xml version="1.0"?><c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">
<d:prop><c:calendar-data/></d:prop><c:filter><c:comp-filter name="VCALENDAR"/></c:filter></c:calendar-query>`, hdr{"Content-Type": "application/xml"})
	if !strings.Contains(body, "From the laptop") {
		t.Fatalf("the folder's event did not reach the server: %s", body)
	}

	// Edit on the laptop, delete on the server.
	b, _ := os.ReadFile(serverFile)
	os.WriteFile(serverFile, []byte(strings.Replace(string(b), "From the server", "Edited on the laptop", 1)), 0o600)
	_, body, _ = e.do("alice", "PROPFIND", ev, "", hdr{"Depth": "1"})
	var localHref string
	for _, r := range respRe.FindAllStringSubmatch(body, -1) {
		if strings.HasSuffix(r[1], ".ics") && !strings.HasSuffix(r[1], "/server.ics") {
			localHref = r[1]
		}
	}
	if code, _, _ := e.do("alice", "DELETE", localHref, "", nil); code != 204 {
		t.Fatalf("DELETE %s: %d", localHref, code)
	}
	run("sync")
	_, body, _ = e.do("alice", "GET", ev+"server.ics", "", nil)
	if !strings.Contains(body, "Edited on the laptop") {
		t.Fatalf("the laptop's edit did not reach the server: %s", body)
	}
	files, _ = filepath.Glob(filepath.Join(local, "*.ics"))
	for _, f := range files {
		b, _ := os.ReadFile(f)
		if strings.Contains(string(b), "From the laptop") {
			t.Fatalf("the server's delete did not reach the folder: %s", f)
		}
	}
}
