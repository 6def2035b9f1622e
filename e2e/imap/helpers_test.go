package imap

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	gosmtp "github.com/emersion/go-smtp"

	"groupd/e2e/internal/e2etest"
)

// env is a running daemon with alice (master) and bob (member) of "team"
// (public, display name "Team") and of "hidden" (private, "Hidden");
// carol is in no group.
type env struct {
	t testing.TB
	d *e2etest.Daemon
}

func start(t testing.TB) *env {
	t.Helper()
	e := &env{t: t, d: e2etest.Start(t, nil)}
	e.d.Team(t)
	e.d.Group(t, "hidden", "Hidden", "alice@example.test", []string{"bob@example.test"},
		map[string]any{"public": false})
	return e
}

// post sends a message from alice@example.test to list over the inbound
// SMTP port; the daemon archives it before answering 250 (SPEC §4).
func (e *env) post(list, subject, body string) {
	e.t.Helper()
	msg := fmt.Sprintf("From: Alice <alice@example.test>\r\nTo: %s\r\nSubject: %s\r\n"+
		"Date: %s\r\nMessage-ID: <%d@example.test>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n",
		list, subject, time.Now().Format(time.RFC1123Z), time.Now().UnixNano(), body)
	c, err := gosmtp.Dial(e.d.Addr("smtp").String())
	if err != nil {
		e.t.Fatal(err)
	}
	defer c.Close()
	if err := c.SendMail("alice@example.test", []string{list}, strings.NewReader(msg)); err != nil {
		e.t.Fatalf("post %q to %s: %v", subject, list, err)
	}
}

// archived is what the daemon's database holds for a group's archive, in
// UID order, read with a read-only connection of its own.
func (e *env) archived(group string) (uids []uint32, data [][]byte) {
	e.t.Helper()
	db := e.d.DB.SQL(e.t)
	rows, err := db.Query(e.d.DB.Q(`SELECT m.uid, m.data FROM messages m JOIN groups g ON g.gid = m.gid
		WHERE g.id = ? ORDER BY m.uid`), group)
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var uid uint32
		var b []byte
		if err := rows.Scan(&uid, &b); err != nil {
			e.t.Fatal(err)
		}
		uids, data = append(uids, uid), append(data, b)
	}
	if err := rows.Err(); err != nil {
		e.t.Fatal(err)
	}
	return uids, data
}

// login dials the IMAP port and logs in as user (full address); the client
// is closed when the test ends.
func (e *env) login(user string, opts ...*imapclient.Options) *imapclient.Client {
	e.t.Helper()
	var o *imapclient.Options
	if len(opts) > 0 {
		o = opts[0]
	}
	c, err := imapclient.DialInsecure(e.d.Addr("imap").String(), o)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { c.Close() })
	if err := c.Login(user, e2etest.Password).Wait(); err != nil {
		e.t.Fatalf("login %s: %v", user, err)
	}
	return c
}

// mailboxes is LIST "" "*", sorted.
func mailboxes(t testing.TB, c *imapclient.Client) []string {
	t.Helper()
	list, err := c.List("", "*", nil).Collect()
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	var out []string
	for _, l := range list {
		out = append(out, l.Mailbox)
	}
	sort.Strings(out)
	return out
}

func mustSelect(t testing.TB, c *imapclient.Client, name string) *goimap.SelectData {
	t.Helper()
	d, err := c.Select(name, nil).Wait()
	if err != nil {
		t.Fatalf("select %s: %v", name, err)
	}
	return d
}

// noText asserts a NO answer and returns its text.
func noText(t testing.TB, what string, err error) string {
	t.Helper()
	var ie *goimap.Error
	if !errors.As(err, &ie) || ie.Type != goimap.StatusResponseTypeNo {
		t.Fatalf("%s: got %v, want NO", what, err)
	}
	return ie.Text
}

// wantNo asserts a NO answer whose text contains want.
func wantNo(t testing.TB, what string, err error, want string) {
	t.Helper()
	if got := noText(t, what, err); !strings.Contains(got, want) {
		t.Errorf("%s: NO %q, want it to say %q", what, got, want)
	}
}

// flagsOf fetches the FLAGS of every message, by sequence number.
func flagsOf(t testing.TB, c *imapclient.Client) map[uint32][]goimap.Flag {
	t.Helper()
	msgs, err := c.Fetch(goimap.SeqSet{{Start: 1, Stop: 0}}, &goimap.FetchOptions{Flags: true}).Collect()
	if err != nil {
		t.Fatalf("fetch flags: %v", err)
	}
	out := map[uint32][]goimap.Flag{}
	for _, m := range msgs {
		out[m.SeqNum] = m.Flags
	}
	return out
}

func hasFlag(flags []goimap.Flag, f goimap.Flag) bool {
	for _, g := range flags {
		if strings.EqualFold(string(g), string(f)) {
			return true
		}
	}
	return false
}
