package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"groupd/groups"
)

// TestHeldPages: a master sees the held post, reads it, and approves it
// with the CSRF token; a member gets 403 and cannot decide; a forged
// form (no token) changes nothing; the edit page sets moderation.
func TestHeldPages(t *testing.T) {
	e := newTestEnv(t)
	mod := groups.ModerateAll
	e.group(t, "alice@example.test", groups.GroupSpec{ID: str("team"), Name: str("Team"), Members: []string{"bob@example.test"},
		MailingList: &groups.ListSpec{Moderation: &mod}})
	p := &groups.Post{List: "team@lists.example.test", Sender: "bob@example.test", Verified: true,
		Data: []byte("Subject: <b>hello</b>\r\n\r\nbody\r\n"), Subject: "<b>hello</b>", MessageID: "m@x"}
	if err := e.store.AcceptPosts(context.Background(), []*groups.Post{p}); err != nil || p.Held == 0 {
		t.Fatal(err, p.Err)
	}
	n := "/g/team/held/" + itoa(p.Held)
	bob := e.signin(t, "bob@example.test", "password1")
	if st, _ := bob.get(t, "/g/team/held"); st != http.StatusForbidden {
		t.Fatalf("member: %d", st)
	}
	alice := e.signin(t, "alice@example.test", "password1")
	st, body := alice.get(t, "/g/team/held")
	if st != http.StatusOK || !strings.Contains(body, `href="`+n+`"`) || strings.Contains(body, "<b>hello") {
		t.Fatalf("list: %d\n%s", st, body)
	}
	if st, body = alice.get(t, n); st != http.StatusOK || !strings.Contains(body, "body") {
		t.Fatalf("view: %d\n%s", st, body)
	}
	if st, _, _ := alice.postForm(t, n, url.Values{"action": {"approve"}, "_csrf": {"forged"}}); st == http.StatusSeeOther {
		t.Fatal("a forged CSRF token was taken")
	}
	alice.get(t, n)
	if st, _, loc := alice.postForm(t, n, url.Values{"action": {"approve"}}); st != http.StatusSeeOther || !strings.Contains(loc, "done=approve") {
		t.Fatalf("approve: %d %s", st, loc)
	}
	if held, _ := e.store.ListHeld(context.Background(), groups.AdminActor(), "team"); len(held) != 0 {
		t.Fatalf("still held: %+v", held)
	}
	if st, _ := alice.get(t, n); st != http.StatusNotFound {
		t.Fatalf("decided post: %d", st)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestEditModeration: the edit page shows the list's moderation and
// saves a new one; a value the store refuses comes back as a sentence.
func TestEditModeration(t *testing.T) {
	e := newTestEnv(t)
	e.group(t, "alice@example.test", groups.GroupSpec{ID: str("team"), Name: str("Team")})
	alice := e.signin(t, "alice@example.test", "password1")
	st, body := alice.get(t, "/g/team/edit")
	if st != http.StatusOK || !strings.Contains(body, `<option value="none" selected>`) {
		t.Fatalf("edit page: %d\n%s", st, body)
	}
	form := url.Values{"name": {"Team"}, "public": {"1"}, "list_enabled": {"1"}, "send_restriction": {"members"},
		"moderation": {"outsiders"}, "f_message": {"1"}}
	if st, body, _ := alice.postForm(t, "/g/team/edit", form); st != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", st, text(body))
	}
	g, err := e.store.GetGroup(context.Background(), groups.AdminActor(), "team")
	if err != nil || g.MailingList.Moderation != groups.ModerateOutsiders {
		t.Fatalf("moderation %q %v", g.MailingList.Moderation, err)
	}
	alice.get(t, "/g/team/edit")
	form.Set("moderation", "sometimes")
	if st, body, _ := alice.postForm(t, "/g/team/edit", form); st != http.StatusUnprocessableEntity ||
		!strings.Contains(body, "moderation must be none, outsiders or all") {
		t.Fatalf("bad value: %d\n%s", st, text(body))
	}
}
