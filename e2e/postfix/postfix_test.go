package postfix

import (
	"bytes"
	"net/mail"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestPostReachesEveryMaildirOnce: a post handed to the inbound Postfix
// is relayed to groupd, which fans it out through the outbound Postfix:
// every member's Maildir (alice, bob, 민준 and the external partner) holds
// it exactly once, with groupd's list fields, the VERP bounce address as
// Return-Path, a Received line of each Postfix, and the body unchanged.
func TestPostReachesEveryMaildirOnce(t *testing.T) {
	c := startChain(t)
	c.team(partner)
	msg := "From: Bob <" + bob + ">\r\nTo: " + team + "\r\nSubject: through Postfix\r\n" +
		"Message-ID: <postfix-1@example.test>\r\n\r\nfirst post\r\n"
	answer, err := c.post(bob, team, msg)
	if err != nil {
		t.Fatalf("the inbound Postfix refused the post: %v", err)
	}
	if !strings.Contains(answer, "queued as") {
		t.Errorf("the inbound Postfix answered %q, want its \"queued as\"", answer)
	}
	c.expect(map[string]int{alice: 1, bob: 1, minjun: 1, partner: 1})
	for addr := range mailboxes {
		for _, m := range c.mailbox(addr) {
			checkListCopy(t, addr, m, "through Postfix", "first post\n")
		}
	}
}

// verp is the envelope sender of a post's copies (Return-Path).
var verp = regexp.MustCompile(`^<team-bounces\+[0-9a-z]+@lists\.example\.test>$`)

// checkListCopy checks what addr's mail reader shows of a list copy.
func checkListCopy(t *testing.T, addr string, data []byte, subject, body string) {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Errorf("%s's copy does not parse: %v\n%s", addr, err, data)
		return
	}
	want := map[string]string{
		"Subject":      subject,
		"List-Id":      `"Team" <team.lists.example.test>`,
		"List-Post":    "<mailto:team@lists.example.test>",
		"Precedence":   "list",
		"X-Loop":       team,
		"Delivered-To": addr,
	}
	for k, v := range want {
		if got := m.Header.Get(k); got != v {
			t.Errorf("%s's copy: %s is %q, want %q", addr, k, got, v)
		}
	}
	if rp := m.Header.Get("Return-Path"); !verp.MatchString(rp) {
		t.Errorf("%s's copy: Return-Path %q is not groupd's team-bounces+<token>@lists.example.test", addr, rp)
	}
	received := strings.Join(m.Header["Received"], "\n")
	for _, by := range []string{"by mx.example.test (Postfix)", "by relay.example.test (Postfix)"} {
		if !strings.Contains(received, by) {
			t.Errorf("%s's copy has no Received line %q:\n%s", addr, by, received)
		}
	}
	var b bytes.Buffer
	b.ReadFrom(m.Body)
	if b.String() != body {
		t.Errorf("%s's copy: body %q, want %q", addr, b.String(), body)
	}
}

// TestSMTPUTF8ThroughPostfix: a post whose sender has a Korean local
// part and whose Subject and body are Korean, sent with SMTPUTF8 to the
// inbound Postfix, passes the whole chain (every hop offers SMTPUTF8, or
// tolerates UTF-8 as Postfix does by default): each member, 민준 too,
// finds it in a Maildir with the Subject and From as written.
func TestSMTPUTF8ThroughPostfix(t *testing.T) {
	c := startChain(t)
	c.team()
	msg := "From: 민준 <" + minjun + ">\r\nTo: " + team + "\r\nSubject: 회의 안내\r\n" +
		"Message-ID: <postfix-utf8@example.test>\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n내일 10시에 만나요.\r\n"
	if _, err := c.post(minjun, team, msg); err != nil {
		t.Fatalf("the inbound Postfix refused the SMTPUTF8 post: %v", err)
	}
	c.expect(map[string]int{alice: 1, bob: 1, minjun: 1})
	for _, addr := range []string{alice, bob, minjun} {
		for _, m := range c.mailbox(addr) {
			checkListCopy(t, addr, m, "회의 안내", "내일 10시에 만나요.\n")
			if !bytes.Contains(m, []byte("\nFrom: 민준 <"+minjun+">\n")) {
				t.Errorf("%s's copy lost the Korean From:\n%s", addr, m)
			}
		}
	}
}

// TestPostfixDSNCountedAgainstRecipient: partner and ghost, external
// members in one domain, share one transaction and so one VERP envelope
// sender. The outbound Postfix accepts ghost at RCPT, finds no mailbox
// and sends its own DSN (5.1.1) to that address; the DSN goes through
// the inbound Postfix to groupd, which counts it against ghost alone.
// With mail.bounce_limit 1 what a master sees: one notice in alice's
// Maildir that ghost is disabled, quoting Postfix's diagnostic, none
// about partner; the next post reaches partner and is not sent to ghost.
func TestPostfixDSNCountedAgainstRecipient(t *testing.T) {
	c := startChain(t)
	c.team(partner, ghost)
	c.postAs(bob, "first", "1")
	// alice: the post and the notice.
	c.expect(map[string]int{alice: 2, bob: 1, minjun: 1, partner: 1})
	if got := c.grep(c.out, `to=<`+regexp.QuoteMeta(ghost)+`>.*dsn=5\.1\.1, status=bounced`); got != 1 {
		t.Errorf("the outbound Postfix bounced ghost %d times, want 1:\n%s", got, c.out.logs())
	}
	if got := c.grep(c.mx, `to=<team-bounces\+[0-9a-z]+@lists\.example\.test>, relay=127\.0\.0\.1.*status=sent`); got != 1 {
		t.Errorf("the inbound Postfix relayed %d DSNs to groupd, want 1:\n%s", got, c.mx.logs())
	}
	notices := c.notices(alice)
	if len(notices) != 1 {
		t.Fatalf("alice got %d bounce notices, want 1 (about ghost only): %q", len(notices), notices)
	}
	for _, want := range []string{"External member " + ghost + " disabled after bounces",
		"to the external member " + ghost + " bounced 1 times", `5.1.1 X-Postfix; unknown user: "` + ghost + `"`, "no longer sends to " + ghost} {
		if !strings.Contains(notices[0], want) {
			t.Errorf("alice's notice does not say %q:\n%s", want, notices[0])
		}
	}

	c.postAs(bob, "second", "2")
	c.expect(map[string]int{alice: 3, bob: 2, minjun: 2, partner: 2})
	if got := c.grep(c.out, `to=<`+regexp.QuoteMeta(ghost)+`>`); got != 1 {
		t.Errorf("groupd sent to the disabled ghost again (%d deliveries tried, want 1)", got)
	}
}

// postAs posts a short message with Subject subject through the inbound
// Postfix, failing the test on a refusal.
func (c *chain) postAs(from, subject, id string) {
	c.t.Helper()
	msg := "From: " + from + "\r\nTo: " + team + "\r\nSubject: " + subject + "\r\n" +
		"Message-ID: <postfix-bounce-" + id + "@example.test>\r\n\r\npost " + id + "\r\n"
	if _, err := c.post(from, team, msg); err != nil {
		c.t.Fatalf("the inbound Postfix refused post %s: %v", id, err)
	}
}

// grep counts the lines of in's log that match pattern.
func (c *chain) grep(in *instance, pattern string) int {
	c.t.Helper()
	b, err := os.ReadFile(filepath.Join(in.dir, "postfix.log"))
	must(c.t, err)
	return len(regexp.MustCompile("(?m)"+pattern).FindAll(b, -1))
}

// notices are the subjects and bodies (lines joined) of the bounce
// notices in addr's Maildir.
func (c *chain) notices(addr string) []string {
	c.t.Helper()
	var out []string
	for _, data := range c.mailbox(addr) {
		m, err := mail.ReadMessage(bytes.NewReader(data))
		must(c.t, err)
		subject := m.Header.Get("Subject")
		if !strings.Contains(subject, "disabled after bounces") {
			continue
		}
		var b bytes.Buffer
		b.ReadFrom(m.Body)
		// The body is wrapped: compare its words.
		out = append(out, subject+"\n"+strings.Join(strings.Fields(b.String()), " "))
	}
	return out
}
