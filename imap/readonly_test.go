package imap

import (
	"strings"
	"testing"

	goimap "github.com/emersion/go-imap/v2"
)

func TestMutatingCommandsRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.post(t, "team", message("one", "1"))
	c := e.login(t, "bob@example.test")
	mustSelect(t, c, "Groups/Team")

	msg := message("appended", "x")
	app := c.Append("Groups/Team", int64(len(msg)), nil)
	app.Write(msg)
	app.Close()
	_, err := app.Wait()
	wantNo(t, "APPEND", err, "read-only")
	_, err = c.Copy(goimap.SeqSetNum(1), "INBOX").Wait()
	wantNo(t, "COPY", err, "read-only")
	_, err = c.Move(goimap.SeqSetNum(1), "INBOX").Wait()
	wantNo(t, "MOVE", err, "read-only")
	_, err = c.Expunge().Collect()
	wantNo(t, "EXPUNGE", err, "read-only")
	_, err = c.UIDExpunge(goimap.UIDSetNum(1)).Collect()
	wantNo(t, "UID EXPUNGE", err, "read-only")
	wantNo(t, "CREATE", c.Create("Groups/New", nil).Wait(), "create a group")
	wantNo(t, "CREATE top", c.Create("Mine", nil).Wait(), "CREATE refused")
	wantNo(t, "DELETE", c.Delete("Groups/Team").Wait(), "DELETE refused")
	wantNo(t, "RENAME", c.Rename("Groups/Team", "Groups/Other", nil).Wait(), "RENAME refused")

	// Nothing changed, and the session still works; CLOSE closes.
	if d := mustSelect(t, c, "Groups/Team"); d.NumMessages != 1 {
		t.Errorf("after refusals the mailbox has %d messages", d.NumMessages)
	}
	if got := strings.Join(listNames(t, c), ","); got != "INBOX,Groups,Groups/Team" {
		t.Errorf("mailboxes now %s", got)
	}
	if err := c.UnselectAndExpunge().Wait(); err != nil {
		t.Errorf("CLOSE: %v", err)
	}
}
