package imap

import (
	"reflect"
	"strings"
	"testing"
	"time"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"groupd/e2e/internal/e2etest"
)

// TestIdleSeesNewPost: a member idling in the group's mailbox is told of
// a post the list accepts over SMTP, and can fetch it.
func TestIdleSeesNewPost(t *testing.T) {
	t.Parallel()
	e := start(t)
	e.post("team@lists.example.test", "old", "old news")
	exists := make(chan uint32, 16)
	c := e.login("bob@example.test", &imapclient.Options{UnilateralDataHandler: &imapclient.UnilateralDataHandler{
		Mailbox: func(d *imapclient.UnilateralDataMailbox) {
			if d.NumMessages != nil {
				exists <- *d.NumMessages
			}
		},
	}})
	mustSelect(t, c, "Groups/Team")
	idle, err := c.Idle()
	if err != nil {
		t.Fatal(err)
	}
	e.post("team@lists.example.test", "fresh", "breaking news")
	select {
	case n := <-exists:
		if n != 2 {
			t.Errorf("IDLE announced %d EXISTS, want 2", n)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("IDLE did not announce the new post within 10 s")
	}
	if err := idle.Close(); err != nil {
		t.Fatal(err)
	}
	if err := idle.Wait(); err != nil {
		t.Fatal(err)
	}
	msgs, err := c.Fetch(goimap.SeqSetNum(2), &goimap.FetchOptions{Envelope: true}).Collect()
	if err != nil || len(msgs) != 1 || msgs[0].Envelope.Subject != "fresh" {
		t.Fatalf("fetch the new post: %v %v", msgs, err)
	}
}

// TestMutatingCommandsRefused: the archive cannot be changed over IMAP;
// each attempt gets NO with a sentence saying why, and nothing changes.
func TestMutatingCommandsRefused(t *testing.T) {
	t.Parallel()
	e := start(t)
	e.post("team@lists.example.test", "one", "the only post")
	c := e.login("alice@example.test") // the master: not even she may
	mustSelect(t, c, "Groups/Team")

	msg := []byte("From: alice@example.test\r\nSubject: sneaked in\r\n\r\nhi\r\n")
	app := c.Append("Groups/Team", int64(len(msg)), nil)
	app.Write(msg)
	app.Close()
	_, err := app.Wait()
	wantNo(t, "APPEND", err, "read-only")
	_, err = c.Copy(goimap.SeqSetNum(1), "Groups/Hidden").Wait()
	wantNo(t, "COPY into another group", err, "read-only")
	_, err = c.Move(goimap.SeqSetNum(1), "INBOX").Wait()
	wantNo(t, "MOVE", err, "read-only")
	err = c.Store(goimap.SeqSetNum(1), &goimap.StoreFlags{Op: goimap.StoreFlagsAdd, Flags: []goimap.Flag{goimap.FlagDeleted}}, nil).Close()
	wantNo(t, "STORE \\Deleted", err, "cannot be deleted")
	_, err = c.Expunge().Collect()
	wantNo(t, "EXPUNGE", err, "read-only")
	wantNo(t, "CREATE", c.Create("Groups/New", nil).Wait(), "create a group")
	wantNo(t, "DELETE", c.Delete("Groups/Team").Wait(), "goes away only with the group")
	wantNo(t, "RENAME", c.Rename("Groups/Team", "Groups/Renamed", nil).Wait(), "named by the group")

	if d := mustSelect(t, c, "Groups/Team"); d.NumMessages != 1 {
		t.Errorf("after the refusals Groups/Team has %d messages, want 1", d.NumMessages)
	}
	if _, data := e.archived("team"); len(data) != 1 {
		t.Errorf("the archive holds %d posts, want 1", len(data))
	}
	if _, data := e.archived("hidden"); len(data) != 0 {
		t.Errorf("COPY put %d posts into hidden", len(data))
	}
	want := []string{"Groups", "Groups/Hidden", "Groups/Team", "INBOX"}
	if got := mailboxes(t, c); !reflect.DeepEqual(got, want) {
		t.Errorf("mailboxes now %q, want %q", got, want)
	}
}

// TestRemovedMemberCutOff: a member removed over the API while a session
// has the group selected gets BYE saying why at the next command (read on
// the wire: go-imap's client hides BYE behind EOF); a new session no
// longer lists the mailbox (SPEC §1, removal).
func TestRemovedMemberCutOff(t *testing.T) {
	t.Parallel()
	e := start(t)
	e.post("team@lists.example.test", "before", "you were here")
	r := e.raw()
	r.ok("a LOGIN bob@example.test " + e2etest.Password)
	r.ok(`b SELECT "Groups/Team"`)
	if code, body := e.d.API(t, "DELETE", "/api/v1/groups/team/members/bob@example.test", "alice@example.test", nil); code != 204 {
		t.Fatalf("remove bob: %d %s", code, body)
	}
	r.send("c FETCH 1 BODY.PEEK[]")
	if bye := r.until("* BYE"); !strings.Contains(bye, "no longer read") {
		t.Errorf("BYE %q does not say the mailbox is no longer readable", bye)
	}
	if line, err := r.rd.ReadString('\n'); err == nil && !strings.HasPrefix(line, "c ") {
		t.Errorf("after BYE the server sent %q", line)
	}
	c := e.login("bob@example.test")
	if got, want := mailboxes(t, c), []string{"Groups", "Groups/Hidden", "INBOX"}; !reflect.DeepEqual(got, want) {
		t.Errorf("after removal bob lists %q, want %q", got, want)
	}
	_, err := c.Select("Groups/Team", nil).Wait()
	noText(t, "SELECT after removal", err)
}

// TestPrivateGroupInvisible: an outsider lists no mailbox of a group she
// is not in, and a private group's mailbox answers exactly as one that
// does not exist (SPEC §1, visibility).
func TestPrivateGroupInvisible(t *testing.T) {
	t.Parallel()
	e := start(t)
	e.post("hidden@lists.example.test", "Secret", "for members")
	c := e.login("carol@example.test")
	for _, name := range mailboxes(t, c) {
		if strings.HasPrefix(name, "Groups/") {
			t.Errorf("carol, in no group, lists %q", name)
		}
	}
	_, err := c.Select("Groups/Hidden", nil).Wait()
	hidden := noText(t, "SELECT Groups/Hidden", err)
	_, err = c.Select("Groups/Nothing", nil).Wait()
	missing := noText(t, "SELECT Groups/Nothing", err)
	if hidden != missing {
		t.Errorf("a private group answers %q, a missing one %q", hidden, missing)
	}
	_, err = c.Status("Groups/Hidden", &goimap.StatusOptions{NumMessages: true}).Wait()
	noText(t, "STATUS Groups/Hidden", err)
	res, err := c.List("", "Groups/%", nil).Collect()
	if err != nil || len(res) != 0 {
		t.Errorf("LIST \"\" Groups/%% shows %v (%v)", res, err)
	}
}
