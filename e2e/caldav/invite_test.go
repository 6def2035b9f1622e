package caldav

import (
	"os/exec"
	"strings"
	"testing"

	gosmtp "github.com/emersion/go-smtp"
)

// pyEvents prints the data of every event in the team's events calendar,
// found by python3-caldav from the bare server URL, then "END".
const pyEvents = `import sys, caldav
url, user, password = sys.argv[1:4]
cals = caldav.DAVClient(url=url, username=user, password=password).principal().calendars()
cal = [c for c in cals if str(c.url).endswith("/dav/calendars/team/events/")][0]
for ev in cal.events():
    print(ev.data)
print("END")
`

// iMIP is an invitation as a calendar client mails it (RFC 6047 §4.1):
// multipart/alternative, a text part and the text/calendar part whose
// method parameter matches METHOD (RFC 5546), no ORGANIZER.
func iMIP(method, seq, summary string) string {
	cal := strings.Join([]string{"BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//e2e//iMIP//EN",
		"METHOD:" + method, "BEGIN:VEVENT", "UID:offsite-2026@client.example", "SEQUENCE:" + seq,
		"DTSTAMP:20260201T090000Z", "DTSTART:20260310T090000Z", "DTEND:20260310T170000Z",
		"SUMMARY:" + summary, "END:VEVENT", "END:VCALENDAR"}, "\r\n")
	return "From: Bob <bob@example.test>\r\nTo: team@lists.example.test\r\nSubject: " + summary +
		"\r\nMessage-ID: <" + method + seq + "@client.example>\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/alternative; boundary=\"alt\"\r\n\r\n" +
		"--alt\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + summary + "\r\n" +
		"--alt\r\nContent-Type: text/calendar; charset=utf-8; method=" + method + "\r\n\r\n" + cal +
		"\r\n--alt--\r\n"
}

// TestInvitationReachesCalendar: bob mails an iMIP REQUEST to the team's
// list through the daemon's SMTP port; python3-caldav then sees the event
// in the team's calendar with bob as ORGANIZER, and no longer after the
// CANCEL.
func TestInvitationReachesCalendar(t *testing.T) {
	t.Parallel()
	py := need(t, "/usr/bin/python3", "-c", "import caldav")
	e := start(t)
	send := func(msg string) {
		t.Helper()
		c, err := gosmtp.Dial(e.d.Addr("smtp").String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if err := c.SendMail("bob@example.test", []string{"team@lists.example.test"}, strings.NewReader(msg)); err != nil {
			t.Fatalf("post: %v\n%s", err, e.d.Logs)
		}
	}
	seen := func() string {
		t.Helper()
		out, err := exec.Command(py, "-c", pyEvents, e.d.URL("/"), "alice@example.test", pw).CombinedOutput()
		if err != nil || !strings.HasSuffix(strings.TrimSpace(string(out)), "END") {
			t.Fatalf("python3-caldav: %v\n%s", err, out)
		}
		return string(out)
	}
	send(iMIP("REQUEST", "0", "Offsite"))
	got := seen()
	for _, want := range []string{"UID:offsite-2026@client.example", "SUMMARY:Offsite", "mailto:bob@example.test"} {
		if !strings.Contains(got, want) {
			t.Fatalf("python3-caldav does not see %q after the REQUEST:\n%s\n%s", want, got, e.d.Logs)
		}
	}
	send(iMIP("CANCEL", "1", "Offsite cancelled"))
	if got := seen(); strings.Contains(got, "offsite-2026@client.example") {
		t.Fatalf("the event is still there after the CANCEL:\n%s", got)
	}
}
