package mail

import (
	"encoding/json"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"groupd/config"
)

// Moderation through the real daemon (issue 13): swaks posts, the relay
// stand-in records what goes out, the API and IMAP show the rest.

// swaksTo sends one message with swaks and returns its last answer.
func (e *env) swaksTo(from, to, subject, body string) string {
	e.t.Helper()
	out, _ := exec.Command(swaks(e.t), "--server", e.d.Addr("smtp").String(), "--from", from, "--to", to,
		"--helo", "swaks.example", "--timeout", "60", "--header", "Subject: "+subject, "--body", body).CombinedOutput()
	return lastAnswer(string(out))
}

type heldPost struct {
	N       int64  `json:"n"`
	Sender  string `json:"sender"`
	Subject string `json:"subject"`
}

func (e *env) held(id string) []heldPost {
	e.t.Helper()
	code, body := e.d.API(e.t, "GET", "/api/v1/groups/"+id+"/held", alice, nil)
	var out struct{ Held []heldPost }
	if code != 200 || json.Unmarshal(body, &out) != nil {
		e.t.Fatalf("GET held: %d %s", code, body)
	}
	return out.Held
}

// requestAddress is the Reply-To of the one notice alice got about the
// held post with subject (the post is attached to it).
func requestAddress(t *testing.T, got map[string][][]byte, subject string) string {
	t.Helper()
	var addrs []string
	for _, m := range got[alice] {
		addr := strings.Trim(header(m, "Reply-To"), "<>")
		if strings.HasPrefix(addr, "team-request+") && strings.Contains(string(m), "Subject: "+subject) {
			addrs = append(addrs, addr)
		}
	}
	if len(addrs) != 1 {
		t.Fatalf("alice got %d notices about %q, want 1: %q", len(addrs), subject, got[alice])
	}
	return addrs[0]
}

// copies is how many copies of the post with subject each address got.
func copies(got map[string][][]byte, subject string) map[string]int {
	out := map[string]int{}
	for rc, msgs := range got {
		for _, s := range subjects(msgs) {
			if s == subject {
				out[rc]++
			}
		}
	}
	return out
}

// TestHeldThenApprovedByAPI: an outsider's post is held (250, nothing
// out but the masters' notice, nothing in IMAP); approval by the API
// delivers it to every member once and archives it.
func TestHeldThenApprovedByAPI(t *testing.T) {
	e := start(t, nil)
	e.list("team", []string{bob}, map[string]any{"send_restriction": "members", "moderation": "outsiders",
		"external_members": []string{partner}})
	if got := e.swaksTo(carol, team, "outsider post", "hello"); !strings.HasPrefix(got, "<-  250 ") {
		t.Fatalf("post: %q", got)
	}
	requestAddress(t, e.settle(), "outsider post")
	if n := e.imapMessages(alice, "Groups/Team"); n != 0 {
		t.Fatalf("IMAP shows %d before approval", n)
	}
	h := e.held("team")
	if len(h) != 1 || h[0].Sender != carol {
		t.Fatalf("held %+v", h)
	}
	code, body := e.d.API(t, "POST", "/api/v1/groups/team/held/"+strconv.FormatInt(h[0].N, 10), alice, map[string]any{"action": "approve"})
	if code != 204 {
		t.Fatalf("approve: %d %s", code, body)
	}
	c := copies(e.settle(), "outsider post")
	if c[alice] != 1 || c[bob] != 1 || c[partner] != 1 || len(c) != 3 {
		t.Fatalf("copies %v", c)
	}
	if n := e.imapMessages(alice, "Groups/Team"); n != 1 {
		t.Fatalf("IMAP shows %d after approval, want 1", n)
	}
}

// TestHeldApprovedByReply: with "all" a member's post is held; alice's
// reply "approve" to the notice, from the trusted network, delivers it.
// A reject by reply tells a verified author the reason.
func TestHeldApprovedByReply(t *testing.T) {
	e := start(t, nil)
	e.list("team", []string{bob}, map[string]any{"moderation": "all"})
	e.swaksTo(bob, team, "needs approval", "text")
	addr := requestAddress(t, e.settle(), "needs approval")
	if got := e.swaksTo(alice, addr, "Re: held", "approve\n\n> the notice"); !strings.HasPrefix(got, "<-  250 ") {
		t.Fatalf("reply: %q", got)
	}
	if c := copies(e.settle(), "needs approval"); c[alice] != 1 || c[bob] != 1 {
		t.Fatalf("copies %v", c)
	}
	e.swaksTo(carol, team, "rejected one", "text")
	addr = requestAddress(t, e.settle(), "rejected one")
	e.swaksTo(alice, addr, "Re: held", "reject not for this list\n")
	got := e.settle()
	if len(got[carol]) != 1 || !strings.Contains(string(got[carol][0]), "not for this list") || len(e.held("team")) != 0 {
		t.Fatalf("carol got %q", got[carol])
	}
}

// TestForgedReplyIgnored: outside the trusted networks and without
// DKIM, the same reply from "alice" is taken and ignored (the post stays
// held); a rejected author whose address is unverified gets nothing.
func TestForgedReplyIgnored(t *testing.T) {
	e := start(t, func(c *config.Config) { c.Mail.TrustedNetworks = []string{"10.0.0.0/8"} })
	e.list("team", []string{bob}, map[string]any{"send_restriction": "anyone", "moderation": "all"})
	e.swaksTo(partner, team, "from partner", "text")
	addr := requestAddress(t, e.settle(), "from partner")
	if got := e.swaksTo(alice, addr, "Re: held", "approve"); !strings.HasPrefix(got, "<-  250 ") {
		t.Fatalf("forged reply: %q", got)
	}
	h := e.held("team")
	if len(h) != 1 {
		t.Fatalf("held %+v", h)
	}
	code, body := e.d.API(t, "POST", "/api/v1/groups/team/held/"+strconv.FormatInt(h[0].N, 10), alice,
		map[string]any{"action": "reject", "reason": "no"})
	if code != 204 {
		t.Fatalf("reject: %d %s", code, body)
	}
	got := e.settle()
	if len(got[partner]) != 0 || len(got[bob]) != 0 {
		t.Fatalf("relay %v", got)
	}
}
