package npm

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-ical"
	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"groupd/e2e/internal/e2etest"
)

// TestTsdav: tsdav's expand: true gets the instances of a recurring
// event in the range, in UTC with RECURRENCE-ID, the exception left out
// and the moved instance where it was moved (issue 17, bug 2: it got the
// master with its RRULE); its sync-collection sees each saved event once.
func TestTsdav(t *testing.T) {
	t.Parallel()
	client(t)
	d := start(t)
	var got struct {
		Created  int
		Expanded []struct{ URL, Data string }
		Sync     struct {
			First, Second []string
			TokenChanged  bool
		}
	}
	run(t, "tsdav.mjs", creds(d), &got)
	if got.Created != 201 || len(got.Expanded) != 1 || got.Expanded[0].URL != "/dav/calendars/team/events/standup.ics" {
		t.Fatalf("tsdav: %+v", got)
	}
	cal, err := ical.NewDecoder(strings.NewReader(got.Expanded[0].Data)).Decode()
	if err != nil {
		t.Fatalf("expanded data: %v\n%s", err, got.Expanded[0].Data)
	}
	var seen []string
	for _, ev := range cal.Events() {
		if ev.Props.Get(ical.PropRecurrenceRule) != nil || ev.Props.Get(ical.PropExceptionDates) != nil {
			t.Errorf("an instance keeps its RRULE or EXDATE:\n%s", got.Expanded[0].Data)
		}
		rid, start := ev.Props.Get(ical.PropRecurrenceID), ev.Props.Get(ical.PropDateTimeStart)
		if rid == nil || start == nil {
			t.Fatalf("an instance without RECURRENCE-ID or DTSTART:\n%s", got.Expanded[0].Data)
		}
		summary, _ := ev.Props.Text(ical.PropSummary)
		seen = append(seen, summary+" "+start.Value+" "+rid.Value)
	}
	want := []string{"Stand-up 20260303T080000Z 20260303T080000Z", "Stand-up (moved) 20260305T100000Z 20260305T080000Z",
		"Stand-up 20260306T080000Z 20260306T080000Z"}
	if !slices.Equal(seen, want) {
		t.Errorf("tsdav expanded to %q, want %q", seen, want)
	}
	if !slices.Equal(got.Sync.First, []string{"standup.ics"}) || !slices.Equal(got.Sync.Second, []string{"lunch.ics"}) ||
		!got.Sync.TokenChanged {
		t.Errorf("tsdav sync: %+v", got.Sync)
	}
}

// TestWebdavClient: the webdav client uploads and lists a file, reads its
// ETag from PROPFIND and replaces the file with If-Match set to it; the
// stale ETag then gets 412 (issue 17, bug 4: ETags written as &#34;…&#34;
// came back undecoded and every conditional PUT failed).
func TestWebdavClient(t *testing.T) {
	t.Parallel()
	client(t)
	d := start(t)
	var got struct {
		List []struct {
			Name, Type string
			Size       int
		}
		Etag, Content      string
		Conditional, Stale any // "stored" or the status of the refusal
	}
	run(t, "webdav.mjs", creds(d), &got)
	if len(got.List) != 1 || got.List[0].Name != "2026-03.txt" || got.List[0].Type != "file" || got.List[0].Size != 17 {
		t.Errorf("webdav lists %+v", got.List)
	}
	if got.Etag == "" || strings.ContainsAny(got.Etag, `&;"`) {
		t.Errorf("webdav read the ETag %q", got.Etag)
	}
	if got.Conditional != "stored" || got.Content != "Minutes of March, corrected\n" {
		t.Errorf("PUT with If-Match of the ETag read: %q, file now %q", got.Conditional, got.Content)
	}
	if got.Stale != float64(412) {
		t.Errorf("PUT with a stale If-Match: %v, want 412", got.Stale)
	}
}

// TestNodemailer: nodemailer submits a post with AUTH PLAIN on the
// submission port and it reaches the team's archive as sent; without
// AUTH it is refused with 530 (issue 17, bug 3).
func TestNodemailer(t *testing.T) {
	t.Parallel()
	client(t)
	d := start(t)
	env := creds(d)
	env["GROUPD_SUBMISSION_PORT"] = port(d, "submission")
	var got struct {
		Accepted, Rejected []string
		Response           string
		WithoutAuth        string
	}
	run(t, "nodemailer.mjs", env, &got)
	if !slices.Equal(got.Accepted, []string{"team@lists.example.test"}) || len(got.Rejected) != 0 ||
		!strings.HasPrefix(got.Response, "250") {
		t.Fatalf("nodemailer: %+v", got)
	}
	if !strings.HasPrefix(got.WithoutAuth, "530 5.7.0") { // RFC 4954 §6 (issue 17, bug 3)
		t.Errorf("without AUTH: %q, want 530 5.7.0", got.WithoutAuth)
	}
	subject, body := archived(t, d, "team")
	if subject != "Agenda für Montag" || !strings.Contains(body, "Punkt 2: Ausflug") {
		t.Errorf("the archive holds %q %q", subject, body)
	}
}

// archived waits for the first post of group's archive and returns its
// subject and body as a member reads them over IMAP.
func archived(t *testing.T, d *e2etest.Daemon, group string) (subject, body string) {
	t.Helper()
	c, err := imapclient.DialInsecure(d.Addr("imap").String(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login("alice@example.test", e2etest.Password).Wait(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		sel, err := c.Select("Groups/Team", &goimap.SelectOptions{ReadOnly: true}).Wait()
		if err != nil {
			t.Fatal(err)
		}
		if sel.NumMessages > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no post reached the %s archive", group)
		}
	}
	msgs, err := c.Fetch(goimap.SeqSetNum(1), &goimap.FetchOptions{Envelope: true,
		BodySection: []*goimap.FetchItemBodySection{{Specifier: goimap.PartSpecifierText, Peek: true}}}).Collect()
	if err != nil || len(msgs) != 1 {
		t.Fatalf("fetch: %v %d", err, len(msgs))
	}
	for _, b := range msgs[0].BodySection {
		body = string(b.Bytes)
	}
	return msgs[0].Envelope.Subject, body
}
