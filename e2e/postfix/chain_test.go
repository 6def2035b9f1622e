package postfix

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"

	"groupd/config"
	"groupd/e2e/internal/e2etest"
)

// The cast. alice and bob are groupd users in the internal domain,
// 민준 too (a Korean local part); partner and ghost are external members
// in a domain the outbound Postfix also hosts, ghost without a mailbox.
const (
	alice   = "alice@" + memberDomain
	bob     = "bob@" + memberDomain
	minjun  = "민준@" + memberDomain
	partner = "partner@" + partnerDomain
	ghost   = "ghost@" + partnerDomain
	team    = "team@" + listDomain
)

// mailboxes are the outbound Postfix's virtual_mailbox_maps: every
// address of the cast but ghost.
var mailboxes = map[string]string{
	alice:   memberDomain + "/alice/",
	bob:     memberDomain + "/bob/",
	minjun:  memberDomain + "/minjun/",
	partner: partnerDomain + "/partner/",
}

// chain is the whole path: a sender → inbound Postfix (mx) → groupd →
// outbound Postfix (relay) → Maildirs, and the relay's DSNs → mx → groupd.
type chain struct {
	t   *testing.T
	mx  *instance // inbound
	out *instance // outbound, groupd's mail.relay
	d   *e2etest.Daemon
}

// startChain starts both Postfix instances and groupd between them, with
// mail.bounce_limit 1, so that one counted bounce disables an external
// member and its masters are told.
func startChain(t *testing.T) *chain {
	t.Helper()
	mxPort, outPort := freePort(t), freePort(t)
	c := &chain{t: t}
	// groupd first: it dials its relay only when it has mail to send.
	c.d = e2etest.Start(t, func(cfg *config.Config) {
		cfg.Mail.Relay = "127.0.0.1:" + strconv.Itoa(outPort)
		cfg.Mail.BounceLimit = 1
	})
	groupd := c.d.Addr("smtp").(*net.TCPAddr).Port
	// Both instances start at once (each takes a few seconds to check
	// itself), then the test waits for both to listen.
	c.out = startInstance(t, outPort, role{name: "relay", settings: outboundSettings, mailboxes: mailboxes,
		// Stands in for the list domain's MX record: DSNs go to the mx.
		plumbing:  []string{"transport_maps = texthash:{conf}/transport"},
		transport: map[string]string{listDomain: "smtp:[127.0.0.1]:" + strconv.Itoa(mxPort)}})
	c.mx = startInstance(t, mxPort, role{name: "mx", settings: inboundSettings,
		transport: map[string]string{listDomain: "smtp:[127.0.0.1]:" + strconv.Itoa(groupd)}})
	c.out.waitListening()
	c.mx.waitListening()
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("groupd log:\n%s", c.d.Logs)
		}
	})
	return c
}

// team makes the list team: alice master, bob and 민준 members, the
// external members given; anyone in the internal domain may post.
func (c *chain) team(external ...string) {
	c.t.Helper()
	c.d.Users(c.t, alice, bob, minjun)
	c.d.Group(c.t, "team", "Team", alice, []string{bob, minjun}, map[string]any{"notify": false})
	body := map[string]any{"mailing_list": map[string]any{"external_members": external}}
	if code, b := c.d.API(c.t, "PATCH", "/api/v1/groups/team", alice, body); code != 200 {
		c.t.Fatalf("PATCH team external_members: %d %s", code, b)
	}
}

// post sends msg to the inbound Postfix as a sender's MTA would (MAIL
// with SMTPUTF8 when the sender or the message is not ASCII) and returns
// the final answer's text, or the first refusal.
func (c *chain) post(from, to, msg string) (string, error) {
	c.t.Helper()
	s, err := gosmtp.Dial(c.mx.addr())
	must(c.t, err)
	defer s.Close()
	if err := s.Hello("sender.example.net"); err != nil {
		return "", err
	}
	if err := s.Mail(from, &gosmtp.MailOptions{UTF8: !isASCII(from + msg)}); err != nil {
		return "", err
	}
	if err := s.Rcpt(to, nil); err != nil {
		return "", err
	}
	w, err := s.Data()
	if err != nil {
		return "", err
	}
	if _, err := w.Write([]byte(msg)); err != nil {
		return "", err
	}
	res, err := w.CloseWithResponse()
	if err != nil {
		return "", err
	}
	s.Quit()
	return res.StatusText, nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// mailbox is every message in addr's Maildir (new and cur) at the
// outbound Postfix, as a mail reader would find them.
func (c *chain) mailbox(addr string) [][]byte {
	c.t.Helper()
	var out [][]byte
	for _, sub := range []string{"new", "cur"} {
		dir := filepath.Join(c.out.dir, "mail", mailboxes[addr], sub)
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			b, err := os.ReadFile(filepath.Join(dir, e.Name()))
			must(c.t, err)
			out = append(out, b)
		}
	}
	return out
}

// waitFor waits (up to 30 s) until ok holds, flushing both Postfix
// queues every second so that nothing waits for a retry timer.
func (c *chain) waitFor(what string, ok func() bool) {
	c.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for next := time.Now().Add(time.Second); !ok(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			c.t.Fatalf("after 30 s: %s", what)
		}
		if time.Now().After(next) {
			c.mx.flush()
			c.out.flush()
			next = time.Now().Add(time.Second)
		}
	}
}

// settle waits until both Postfix queues are empty: what was accepted
// has been delivered or bounced, and the bounces handed on.
func (c *chain) settle() {
	c.t.Helper()
	c.waitFor("both Postfix queues empty", func() bool { return c.mx.queueEmpty() && c.out.queueEmpty() })
}

// expect waits until each address of want has at least that many
// messages in its Maildir, lets both queues empty, and then checks that
// it has exactly that many: nothing came twice.
func (c *chain) expect(want map[string]int) {
	c.t.Helper()
	c.waitFor(fmt.Sprintf("Maildir counts %v", want), func() bool {
		for addr, n := range want {
			if len(c.mailbox(addr)) < n {
				return false
			}
		}
		return true
	})
	c.settle()
	for addr, n := range want {
		if got := len(c.mailbox(addr)); got != n {
			c.t.Errorf("%s's Maildir holds %d messages, want %d", addr, got, n)
		}
	}
}
