package mail

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	imap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"groupd/config"
	"groupd/e2e/internal/e2etest"
)

// The cast: lists.example.test is hosted (config defaults), example.test
// is internal.
const (
	domain   = "lists.example.test"
	alice    = "alice@example.test" // master of every list
	bob      = "bob@example.test"   // member of team
	carol    = "carol@example.test" // in no group, allowed on "listed"
	partner  = "partner@other.example"
	stranger = "eve@elsewhere.example"
	team     = "team@" + domain
)

// maxBytes is mail.max_message_bytes of every daemon here.
const maxBytes = 64 << 10

// env is a running daemon whose relay is a recording stand-in.
type env struct {
	t     *testing.T
	d     *e2etest.Daemon
	relay *e2etest.Relay
}

func start(t *testing.T, edit func(*config.Config)) *env {
	t.Helper()
	relay := e2etest.StartRelay(t)
	d := e2etest.Start(t, func(c *config.Config) {
		c.Mail.Relay = relay.Addr
		c.Mail.MaxMessageBytes = maxBytes
		if edit != nil {
			edit(c)
		}
	})
	d.Users(t, alice, bob, carol)
	return &env{t: t, d: d, relay: relay}
}

// list creates group id with alice master, members, no notices (they
// would reach the relay too), then sets its list settings with PATCH
// /api/v1/groups/{id} as alice, as a master would.
func (e *env) list(id string, members []string, settings map[string]any) {
	e.t.Helper()
	e.d.Group(e.t, id, strings.ToUpper(id[:1])+id[1:], alice, members,
		map[string]any{"notify": false})
	code, body := e.d.API(e.t, "PATCH", "/api/v1/groups/"+id, alice, map[string]any{"mailing_list": settings})
	if code != 200 {
		e.t.Fatalf("PATCH %s mailing_list: %d %s", id, code, body)
	}
	var g struct {
		MailingList map[string]any `json:"mailing_list"`
	}
	if err := json.Unmarshal(body, &g); err != nil {
		e.t.Fatal(err)
	}
	for k, v := range settings {
		if got, want := fmt.Sprint(g.MailingList[k]), fmt.Sprint(v); got != want {
			e.t.Fatalf("%s: mailing_list.%s is %s after PATCH, want %s (%s)", id, k, got, want, body)
		}
	}
}

// swaks finds swaks; a missing one fails the test under CI.
func swaks(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("swaks")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("swaks is not installed (apt-get install swaks)")
		}
		t.Skip("swaks is not installed")
	}
	return p
}

// db opens the daemon's database beside the daemon; statements go
// through e.d.DB.Q.
func (e *env) db() *sql.DB {
	e.t.Helper()
	return e.d.DB.SQL(e.t)
}

func (e *env) count(query string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.db().QueryRow(e.d.DB.Q(query), args...).Scan(&n); err != nil {
		e.t.Fatalf("%s: %v", query, err)
	}
	return n
}

// settle waits (generously) until the outbound queue has nothing left to
// send, then returns the relay's recipient copies: from then on the relay
// gets nothing more of what was accepted so far.
func (e *env) settle() map[string][][]byte {
	e.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for e.count(`SELECT (SELECT count(*) FROM outbound_rcpts WHERE state = 'queued') + (SELECT count(*) FROM outbound_bundles)`) > 0 {
		if time.Now().After(deadline) {
			e.t.Fatalf("the outbound queue still holds rows after 60s\n%s", e.d.Logs)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return e.relay.Received()
}

// queued is how many outbound recipients (rows in any state, and the
// recipients of posts still in their bundle: groups.Unbundle) the daemon
// holds, and of how many messages.
func (e *env) queued() (msgs, rcpts int) {
	e.t.Helper()
	return e.count(`SELECT count(*) FROM outbound`),
		e.count(`SELECT CAST((SELECT count(*) FROM outbound_rcpts) + (SELECT coalesce(sum(n), 0) FROM outbound_bundles) AS BIGINT)`)
}

// imapMessages is how many messages user sees in mailbox over IMAP
// (go-imap v2's client, STATUS MESSAGES).
func (e *env) imapMessages(user, mailbox string) int {
	e.t.Helper()
	c, err := imapclient.DialInsecure(e.d.Addr("imap").String(), nil)
	if err != nil {
		e.t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(user, e2etest.Password).Wait(); err != nil {
		e.t.Fatalf("IMAP login %s: %v", user, err)
	}
	st, err := c.Status(mailbox, &imap.StatusOptions{NumMessages: true}).Wait()
	if err != nil {
		e.t.Fatalf("IMAP STATUS %q: %v", mailbox, err)
	}
	c.Logout().Wait()
	return int(*st.NumMessages)
}

// header returns the value of the first field called name in data.
func header(data []byte, name string) string {
	head, _, _ := strings.Cut(string(data), "\r\n\r\n")
	for _, line := range strings.Split(head, "\r\n") {
		k, v, ok := strings.Cut(line, ":")
		if ok && strings.EqualFold(k, name) {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// subjects lists the Subject of each message.
func subjects(msgs [][]byte) []string {
	var out []string
	for _, m := range msgs {
		out = append(out, header(m, "Subject"))
	}
	return out
}
