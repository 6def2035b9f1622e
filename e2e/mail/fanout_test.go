package mail

import (
	"regexp"
	"strings"
	"testing"

	gosmtp "github.com/emersion/go-smtp"
)

// sendMail posts data with go-smtp's client to the daemon's inbound SMTP
// port and returns the first refusal (nil after 250).
func (e *env) sendMail(from, to, data string) error {
	e.t.Helper()
	c, err := gosmtp.Dial(e.d.Addr("smtp").String())
	if err != nil {
		e.t.Fatal(err)
	}
	defer c.Close()
	if err := c.SendMail(from, []string{to}, strings.NewReader(data)); err != nil {
		return err
	}
	return c.Quit()
}

// TestFanOutHeadersFromDaemon: one post through the daemon reaches each
// member and the external member exactly once, each copy carrying
// List-Id, List-Post, List-Owner, List-Help, Precedence: list and X-Loop,
// under a VERP envelope sender team-bounces+<token>@lists.example.test
// that differs between transactions (the queue sends one transaction per
// recipient domain; the token names its first recipient row), so the
// external member's copy has a bounce address of its own.
func TestFanOutHeadersFromDaemon(t *testing.T) {
	e := start(t, nil)
	e.list("team", []string{bob}, map[string]any{"external_members": []string{partner}})
	msg := "From: Bob <" + bob + ">\r\nTo: " + team + "\r\nSubject: hello team\r\n" +
		"Message-ID: <fanout@example.test>\r\n\r\nfirst post\r\n"
	if err := e.sendMail(bob, team, msg); err != nil {
		t.Fatalf("post: %v", err)
	}
	got := e.settle()
	if len(got) != 3 {
		t.Errorf("relay got mail for %d addresses, want 3 (alice, bob, partner): %v", len(got), got)
	}
	want := map[string]string{
		"List-Id":    `"Team" <team.lists.example.test>`,
		"List-Post":  "<mailto:team@lists.example.test>",
		"List-Owner": "<mailto:team-owner@lists.example.test>",
		"List-Help":  "<mailto:team-owner@lists.example.test?subject=help>",
		"Precedence": "list",
		"X-Loop":     team,
		"Subject":    "hello team",
	}
	for _, rc := range []string{alice, bob, partner} {
		if len(got[rc]) != 1 {
			t.Errorf("%s got %d copies, want 1", rc, len(got[rc]))
			continue
		}
		data := got[rc][0]
		for k, v := range want {
			if h := header(data, k); h != v {
				t.Errorf("%s's copy: %s is %q, want %q", rc, k, h, v)
			}
		}
		if !strings.HasSuffix(string(data), "\r\n\r\nfirst post\r\n") {
			t.Errorf("%s's copy: body changed:\n%s", rc, data)
		}
	}
	verp := regexp.MustCompile(`^team-bounces\+[0-9a-z]+@lists\.example\.test$`)
	senders := map[string][]string{}
	for _, env := range e.relay.Envelopes() {
		if !verp.MatchString(env.From) {
			t.Errorf("envelope sender %q for %v is not team-bounces+<token>@lists.example.test", env.From, env.Rcpts)
		}
		if other, ok := senders[env.From]; ok {
			t.Errorf("transactions to %v and %v share the envelope sender %s: a bounce could not tell them apart", other, env.Rcpts, env.From)
		}
		senders[env.From] = env.Rcpts
	}
}
