package npm

import (
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"

	"groupd/e2e/internal/e2etest"
)

// TestImapflow: imapflow (which enables UTF8=ACCEPT by itself) lists the
// archive, opens the group "R&D 연구" typed with "&" and as LIST shows it
// ("＆"), and reads both posts (issue 17, bug 1: the typed name got
// "Internal server error").
func TestImapflow(t *testing.T) {
	t.Parallel()
	client(t)
	d := start(t)
	d.Group(t, "rd", "R&D 연구", "alice@example.test", []string{"bob@example.test"}, nil)
	post(t, d, "rd@lists.example.test", "연구 노트", "첫 번째 결과")
	post(t, d, "rd@lists.example.test", "Budget R&D", "numbers attached")
	env := creds(d)
	env["GROUPD_IMAP_PORT"] = port(d, "imap")
	env["GROUPD_TYPED"] = "Groups/R&D 연구"
	env["GROUPD_LISTED_PREFIX"] = "Groups/R"
	var got struct {
		Enabled []string
		List    []string
		Opened  []struct {
			Asked, Path string
			Exists      int
			ReadOnly    bool
		}
		Messages []struct{ Subject, From, Body string }
		Status   struct {
			Path     string
			Messages int
		}
	}
	run(t, "imapflow.mjs", env, &got)
	if !slices.Contains(got.Enabled, "UTF8=ACCEPT") {
		t.Errorf("imapflow enabled %q, not UTF8=ACCEPT: the test no longer covers bug 1", got.Enabled)
	}
	if want := []string{"Groups", "Groups/R＆D 연구", "Groups/Team", "INBOX"}; !sameSet(got.List, want) {
		t.Errorf("imapflow lists %q, want %q", got.List, want)
	}
	if len(got.Opened) != 2 {
		t.Fatalf("opened %+v", got.Opened)
	}
	for _, o := range got.Opened {
		if o.Exists != 2 || !o.ReadOnly {
			t.Errorf("opening %q: %+v, want 2 messages read-only", o.Asked, o)
		}
	}
	if len(got.Messages) != 2 || got.Messages[0].Subject != "연구 노트" || got.Messages[0].Body != "첫 번째 결과" ||
		got.Messages[1].Subject != "Budget R&D" || got.Messages[0].From != "alice@example.test" {
		t.Errorf("imapflow read %+v", got.Messages)
	}
	if got.Status.Messages != 2 {
		t.Errorf("STATUS: %+v", got.Status)
	}
}

// TestImapflowExtensions (issue 17, IMAP extensions): once logged in,
// imapflow sees ESEARCH, SEARCHRES, LIST-STATUS, SORT and both THREAD
// algorithms, and its LIST with statusQuery (LIST … RETURN (STATUS …),
// RFC 5819, when LIST-STATUS is offered) gives each group's counts.
func TestImapflowExtensions(t *testing.T) {
	t.Parallel()
	client(t)
	d := start(t)
	d.Group(t, "rd", "Research", "alice@example.test", []string{"bob@example.test"}, nil)
	post(t, d, "rd@lists.example.test", "first", "one")
	post(t, d, "rd@lists.example.test", "second", "two")
	post(t, d, "team@lists.example.test", "hello", "three")
	env := creds(d)
	env["GROUPD_IMAP_PORT"] = port(d, "imap")
	var got struct {
		Caps []string
		List []struct {
			Path   string
			Status *struct{ Messages, Unseen int }
		}
	}
	run(t, "imapflow_ext.mjs", env, &got)
	for _, c := range []string{"ESEARCH", "SEARCHRES", "LIST-EXTENDED", "LIST-STATUS", "SORT", "THREAD=ORDEREDSUBJECT", "THREAD=REFERENCES"} {
		if !slices.Contains(got.Caps, c) {
			t.Errorf("imapflow sees %q, without %s", got.Caps, c)
		}
	}
	want := map[string]int{"INBOX": 0, "Groups/Research": 2, "Groups/Team": 1}
	for _, mb := range got.List {
		n, ok := want[mb.Path]
		if !ok {
			continue
		}
		delete(want, mb.Path)
		if mb.Status == nil || mb.Status.Messages != n || mb.Status.Unseen != n {
			t.Errorf("%s: status %+v, want %d messages, all unseen", mb.Path, mb.Status, n)
		}
	}
	if len(want) != 0 {
		t.Errorf("imapflow's LIST lacks %v: %+v", want, got.List)
	}
}

// post sends a message from alice to list over the inbound SMTP port; the
// daemon archives it before answering 250.
func post(t *testing.T, d *e2etest.Daemon, list, subject, body string) {
	t.Helper()
	msg := fmt.Sprintf("From: Alice <alice@example.test>\r\nTo: %s\r\nSubject: =?UTF-8?B?%s?=\r\n"+
		"Date: %s\r\nMessage-ID: <%d@example.test>\r\nMIME-Version: 1.0\r\n"+
		"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n%s\r\n",
		list, b64(subject), time.Now().Format(time.RFC1123Z), time.Now().UnixNano(), body)
	c, err := gosmtp.Dial(d.Addr("smtp").String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.SendMail("alice@example.test", []string{list}, strings.NewReader(msg)); err != nil {
		t.Fatalf("post %q to %s: %v", subject, list, err)
	}
}

// port is the port of the daemon's listener name.
func port(d *e2etest.Daemon, name string) string {
	a := d.Addr(name).String()
	return a[strings.LastIndexByte(a, ':')+1:]
}

func sameSet(got, want []string) bool {
	g, w := slices.Clone(got), slices.Clone(want)
	slices.Sort(g)
	slices.Sort(w)
	return slices.Equal(g, w)
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// TestImapflowQresync: imapflow with qresync enables CONDSTORE and
// QRESYNC, and a client that resynchronises the archive after another
// session of the same user flagged one post learns of that post alone,
// from its SELECT … (QRESYNC …) and from UID FETCH … (CHANGEDSINCE …
// VANISHED) (RFC 7162 §3.2.5, §3.2.6).
func TestImapflowQresync(t *testing.T) {
	t.Parallel()
	client(t)
	d := start(t)
	for _, s := range []string{"one", "two", "three"} {
		post(t, d, "team@lists.example.test", s, s)
	}
	env := creds(d)
	env["GROUPD_IMAP_PORT"] = port(d, "imap")
	type change struct {
		UID    int
		Flags  []string
		Modseq string
	}
	var got struct {
		Enabled []string
		Before  struct{ UIDValidity, HighestModseq string }
		After   struct {
			Qresync       bool
			HighestModseq string
		}
		FlagEvents []change
		Vanished   []any
		Changed    []change
	}
	run(t, "imapflow_qresync.mjs", env, &got)
	if !slices.Contains(got.Enabled, "CONDSTORE") || !slices.Contains(got.Enabled, "QRESYNC") {
		t.Fatalf("imapflow enabled %q", got.Enabled)
	}
	if !got.After.Qresync || got.After.HighestModseq == got.Before.HighestModseq {
		t.Errorf("QRESYNC open: %+v, before %+v", got.After, got.Before)
	}
	for what, list := range map[string][]change{"SELECT (QRESYNC)": got.FlagEvents, "FETCH CHANGEDSINCE": got.Changed} {
		if len(list) != 1 || list[0].UID != 2 || !slices.Equal(list[0].Flags, []string{`\Flagged`}) || list[0].Modseq != got.After.HighestModseq {
			t.Errorf("%s reported %+v, want UID 2 \\Flagged at %s", what, list, got.After.HighestModseq)
		}
	}
	if len(got.Vanished) != 0 {
		t.Errorf("vanished %+v", got.Vanished)
	}
}
