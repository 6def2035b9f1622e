package web

import (
	"bytes"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	gomail "github.com/emersion/go-message/mail"

	"groupd/groups"
)

// TestMessagesPost: a member writes a post and a reply in the browser;
// each reaches Post as a proper message from that member to the list,
// and the reply is threaded under the post.
func TestMessagesPost(t *testing.T) {
	w := newMessageWorld(t, false)
	bob := w.signin(t, "bob@example.test", "password1")
	bob.get(t, "/g/team/messages")
	st, body, loc := bob.postForm(t, "/g/team/messages", url.Values{"subject": {"주간 회의 일정 — weekly meeting"}, "body": {"월요일 10시에 만나요.\nSee you Monday."}})
	if st != http.StatusSeeOther || loc != "/g/team/messages?done=posted#end" {
		t.Fatalf("post: %d %q %s", st, loc, text(body))
	}
	if len(w.posted) != 1 {
		t.Fatalf("Post called %d times", len(w.posted))
	}
	r, err := gomail.CreateReader(bytes.NewReader(w.posted[0]))
	if err != nil {
		t.Fatal(err)
	}
	from, _ := r.Header.AddressList("From")
	to, _ := r.Header.AddressList("To")
	subj, _ := r.Header.Subject()
	id, _ := r.Header.MessageID()
	if len(from) != 1 || from[0].Address != "bob@example.test" || from[0].Name != "Bob" ||
		len(to) != 1 || to[0].Address != "team@lists.example.test" || subj != "주간 회의 일정 — weekly meeting" ||
		!strings.HasSuffix(id, "@lists.example.test") || r.Header.Get("Date") == "" || r.Header.Get("MIME-Version") != "1.0" {
		t.Errorf("header: %q %q %q %q\n%s", from, to, subj, id, w.posted[0])
	}
	for _, line := range strings.Split(string(w.posted[0]), "\r\n") {
		if len(line) > 78 || strings.ContainsAny(line, "\r\n") {
			t.Errorf("line of %d characters: %q", len(line), line)
		}
	}
	_, page := bob.get(t, "/g/team/messages?done=posted")
	if !strings.Contains(text(page), "Your post was sent to the group.") || !strings.Contains(text(page), "월요일 10시에 만나요.") {
		t.Fatalf("page after posting: %s", text(page))
	}
	m := regexp.MustCompile(`name="reply" value="(\d+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no reply form")
	}
	if st, _, _ := bob.postForm(t, "/g/team/messages", url.Values{"reply": {m[1]}, "body": {"Agreed."}}); st != http.StatusSeeOther {
		t.Fatalf("reply: %d", st)
	}
	reply := string(w.posted[1])
	if !strings.Contains(reply, "In-Reply-To: <"+id+">") || !strings.Contains(reply, "References: <"+id+">") ||
		!strings.Contains(reply, "Subject: =?utf-8?b?") {
		t.Errorf("reply header:\n%s", reply)
	}
	_, page = bob.get(t, "/g/team/messages")
	if th := threadsOf(page); len(th) != 1 || !strings.Contains(th[0], "Agreed.") {
		t.Errorf("reply not in the post's thread: %q", th)
	}
}

// TestMessagesPostRefused: the list's refusal and the form's own checks
// come back as a sentence above the form used, with what was typed kept,
// and nothing is sent.
func TestMessagesPostRefused(t *testing.T) {
	w := newMessageWorld(t, false)
	w.refuse = &groups.Error{Kind: groups.ErrDenied, Msg: "team@lists.example.test accepts mail only from the senders its masters listed"}
	bob := w.signin(t, "bob@example.test", "password1")
	bob.get(t, "/g/team/messages")
	st, body, _ := bob.postForm(t, "/g/team/messages", url.Values{"subject": {"Hello all"}, "body": {"My draft text"}})
	if st != http.StatusForbidden || !strings.Contains(text(body), "accepts mail only from the senders its masters listed") ||
		!strings.Contains(body, `value="Hello all"`) || !strings.Contains(body, "My draft text</textarea>") {
		t.Fatalf("refused post: %d %s", st, text(body))
	}
	w.refuse = nil
	st, body, _ = bob.postForm(t, "/g/team/messages", url.Values{"subject": {"Only a subject"}, "body": {"  "}})
	if st != http.StatusUnprocessableEntity || !strings.Contains(text(body), "Write a message first.") ||
		!strings.Contains(body, `value="Only a subject"`) {
		t.Fatalf("empty body: %d %s", st, text(body))
	}
	if len(w.posted) != 0 {
		t.Errorf("refused posts were sent: %d", len(w.posted))
	}
}

// TestMessagesNoComposerWithoutList: with the mailing list off, the tab
// still shows the archive but offers no composer, and says why.
func TestMessagesNoComposerWithoutList(t *testing.T) {
	w := newMessageWorld(t, false)
	off := false
	if _, err := w.store.UpdateGroup(t.Context(), groups.Actor{Email: "alice@example.test"}, "team",
		groups.GroupSpec{MailingList: &groups.ListSpec{Enabled: &off}}); err != nil {
		t.Fatal(err)
	}
	bob := w.signin(t, "bob@example.test", "password1")
	_, body := bob.get(t, "/g/team/messages")
	if strings.Contains(body, `name="subject"`) || !strings.Contains(text(body), "mailing list is off") {
		t.Fatalf("composer with the list off: %s", text(body))
	}
}
