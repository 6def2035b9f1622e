package console

import (
	"bytes"
	"crypto/rand"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// postMessage: Dave writes a post on the Messages tab. It shows in the
// thread list, it reaches Bob's open Messages tab without a reload, and
// the relay stand-in receives it for every member (Dave too, as a list
// copy).
func (j *consoleJourney) postMessage(t *testing.T) {
	d, p := j.d, j.dave
	const subject, body = "3월 회의 안내", "회의는 목요일 10시, 3층 회의실입니다."
	j.openTab(t, j.bob, "messages", "web/messages*.go")
	j.bob.run(t, "mark Bob's page", evalStep(`window.e2eSamePage = true`))

	j.openTab(t, p, "messages", "web/messages*.go")
	p.typeIn(t, `input[name=subject]`, subject)
	p.typeIn(t, `form:has(input[name=subject]) textarea[name=body]`, body)
	if code := p.submit(t, composerButton); code != 200 {
		t.Fatalf("posting answered %d: %s", code, p.text(t))
	}
	if got := p.path(t); !strings.HasPrefix(got, "/g/"+j.id+"/messages?done=posted") {
		t.Fatalf("after posting the browser is at %s", got)
	}
	p.see(t, d.say(t, "notice.posted"), subject, body, userDave.Name)
	j.typed = append(j.typed, subject, body)

	j.bob.waitFor(t, "the post on Bob's open Messages tab",
		`window.e2eSamePage === true && document.getElementById("threads").innerText.includes("`+subject+`")`)
	got := d.waitPost(t, subject, userAlice.Email, userBob.Email, userDave.Email)
	for rcpt, n := range got {
		if n != 1 || !strings.HasSuffix(rcpt, "@example.test") {
			t.Fatalf("the relay handed the post %d times to %s (all: %v)", n, rcpt, got)
		}
	}
	if len(got) != 3 {
		t.Fatalf("the relay handed the post to %v, want the 3 members", got)
	}
}

// composerButton sends the Messages tab's new-post form (the one form
// with a subject).
const composerButton = `form:has(input[name=subject]) button[type=submit]`

// uploadFile: Alice turns the folder on in "Edit group", then uploads a
// file (a Korean name with a space, binary content) with the Folder tab's
// form; WebDAV GET serves Bob the same bytes.
func (j *consoleJourney) uploadFile(t *testing.T) {
	d, p := j.d, j.alice
	if !j.served(t, "folder") {
		t.Skip("the console does not serve /g/{id}/folder yet (web/folder*.go)")
	}
	p.open(t, "/g/"+j.id)
	p.navigate(t, "Edit group", clickAction(`.gactions a[href="/g/`+j.id+`/edit"]`))
	p.click(t, `input[name=f_folder]`)
	if code := p.submit(t, `form.groupform button[type=submit]`); code != 200 {
		t.Fatalf("saving the folder on answered %d: %s", code, p.text(t))
	}
	p.see(t, d.say(t, "notice.saved"), d.say(t, "feature.folder")+": "+d.say(t, "on"))

	j.openTab(t, p, "folder", "web/folder*.go")
	data := make([]byte, 150<<10)
	rand.Read(data)
	const name = "회의 자료.bin"
	file := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(file, data, 0o600); err != nil {
		t.Fatal(err)
	}
	p.run(t, "choose the file", setUpload(`form.upload input[type=file]`, file))
	if code := p.submit(t, `form.upload button[type=submit]`); code != 200 {
		t.Fatalf("uploading answered %d: %s", code, p.text(t))
	}
	p.see(t, d.say(t, "notice.uploaded"), name)
	j.typed = append(j.typed, name)

	code, got := d.as(t, userBob, "GET", "/dav/files/"+j.id+"/"+url.PathEscape(name), nil, "")
	if code != 200 || !bytes.Equal(got, data) {
		t.Fatalf("WebDAV GET of the uploaded file: %d, %d bytes, want 200 and the %d bytes uploaded", code, len(got), len(data))
	}
}

// createEvent: Bob creates an event on the Events tab; it is in the
// month the console shows, and python3-caldav (Debian's) finds it by its
// SUMMARY in the group's calendar.
func (j *consoleJourney) createEvent(t *testing.T) {
	d, p := j.d, j.bob
	const title = "분기 점검 회의"
	j.openTab(t, p, "events", "web/events*.go")
	p.navigate(t, "New event", clickAction(`a.button[href="/g/`+j.id+`/events/new"]`))
	day := time.Now().AddDate(0, 0, 7).Format("2006-01-02")
	p.typeIn(t, `input[name=title]`, title)
	// A date or time input takes keys in the browser's own order
	// (mm/dd/yyyy here); setting its value is what the picker does.
	p.run(t, "pick the date and times", setValue(`input[name=date]`, day),
		setValue(`input[name=start]`, "10:00"), setValue(`input[name=end]`, "11:30"))
	p.typeIn(t, `input[name=location]`, "3층 회의실")
	if code := p.submit(t, `form.eventform button[type=submit]`); code != 200 {
		t.Fatalf("saving the event answered %d: %s", code, p.text(t))
	}
	p.see(t, d.say(t, "notice.event.saved"), title)
	j.typed = append(j.typed, title)

	py := needPython(t)
	out, err := exec.Command(py, "-c", pyFindEvent, d.base+"/dav/", userBob.Email, consolePassword, j.id).CombinedOutput()
	if err != nil {
		t.Fatalf("python3-caldav: %v\n%s", err, out)
	}
	if want := title + " " + strings.ReplaceAll(day, "-", ""); !strings.Contains(string(out), want) {
		t.Fatalf("python3-caldav reads the group calendar as:\n%s\nwant an event %q", out, want)
	}
}

// pyFindEvent lists, with python3-caldav, the SUMMARY and start date of
// every event of group argv[4]'s calendar, found from the principal.
const pyFindEvent = `import sys, caldav
url, user, pw, gid = sys.argv[1:5]
cals = caldav.DAVClient(url=url, username=user, password=pw).principal().calendars()
cal = [c for c in cals if str(c.url).endswith("/dav/calendars/%s/events/" % gid)]
assert cal, "no calendar of %s among %s" % (gid, [str(c.url) for c in cals])
for ev in cal[0].events():
    v = ev.icalendar_instance.walk("VEVENT")[0]
    print(str(v["SUMMARY"]), v.decoded("DTSTART").strftime("%Y%m%d"))
`

// needPython is Debian's python3 with python3-caldav; missing, the step
// skips, or fails when CI is set.
func needPython(t *testing.T) string {
	t.Helper()
	const py = "/usr/bin/python3"
	if exec.Command(py, "-c", "import caldav").Run() == nil {
		return py
	}
	if os.Getenv("CI") != "" {
		t.Fatal("python3-caldav is required in CI (apt-get install python3-caldav)")
	}
	t.Skip("python3-caldav is not installed")
	return ""
}
