package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"groupd/groups"
)

// TestJoinRequestsPage: a master sees the link and the pending requests
// (their words escaped), approves one with the CSRF token (the user
// becomes a member, the page says so), sees the store's sentence when an
// outsider cannot join the internal group, and declines it with a
// reason; a member sees no link and gets 403; a forged form changes
// nothing.
func TestJoinRequestsPage(t *testing.T) {
	e := newTestEnv(t)
	e.group(t, "alice@example.test", groups.GroupSpec{ID: str("team"), Name: str("Team"), Members: []string{"bob@example.test"}})
	ctx := context.Background()
	for _, addr := range []string{"eve@example.test", "out@other.example"} {
		if err := e.store.JoinRequest(ctx, "team@lists.example.test", groups.JoinMail{Address: addr, Name: "Req",
			Subject: "hello", Text: "<script>alert(1)</script> please", Verified: true}); err != nil {
			t.Fatal(err)
		}
	}
	reqs, err := e.store.ListJoinRequests(ctx, groups.AdminActor(), "team")
	if err != nil || len(reqs) != 2 {
		t.Fatal(reqs, err)
	}
	eve, out := "/g/team/requests/"+itoa(reqs[0].N), "/g/team/requests/"+itoa(reqs[1].N)

	bob := e.signin(t, "bob@example.test", "password1")
	if _, body := bob.get(t, "/g/team"); strings.Contains(body, `href="/g/team/requests"`) {
		t.Fatal("a member sees the join requests link")
	}
	if st, _ := bob.get(t, "/g/team/requests"); st != http.StatusForbidden {
		t.Fatalf("member: %d", st)
	}
	if st, _, _ := bob.postForm(t, eve, url.Values{"action": {"approve"}}); st != http.StatusForbidden {
		t.Fatalf("member's approval: %d", st)
	}

	alice := e.signin(t, "alice@example.test", "password1")
	if _, body := alice.get(t, "/g/team"); !strings.Contains(body, `href="/g/team/requests"`) {
		t.Fatal("the master sees no join requests link")
	}
	st, body := alice.get(t, "/g/team/requests")
	if st != http.StatusOK || !strings.Contains(body, `action="`+eve+`"`) || !strings.Contains(body, "out@other.example") ||
		strings.Contains(body, "<script>alert") || !strings.Contains(body, "&lt;script&gt;") {
		t.Fatalf("list: %d\n%s", st, body)
	}
	if st, _, _ := alice.postForm(t, eve, url.Values{"action": {"approve"}, "_csrf": {"forged"}}); st == http.StatusSeeOther {
		t.Fatal("a forged CSRF token was taken")
	}
	alice.get(t, "/g/team/requests")
	st, _, loc := alice.postForm(t, eve, url.Values{"action": {"approve"}})
	if st != http.StatusSeeOther || !strings.Contains(loc, "done=joinapprove") {
		t.Fatalf("approve: %d %s", st, loc)
	}
	if _, body := alice.get(t, loc); !strings.Contains(text(body), "The request was approved.") {
		t.Fatalf("after approval:\n%s", text(body))
	}
	ms, _ := e.store.Members(ctx, groups.AdminActor(), "team")
	found := false
	for _, m := range ms {
		found = found || m.Email == "eve@example.test"
	}
	if !found {
		t.Fatalf("eve is not a member: %+v", ms)
	}
	st, body, _ = alice.postForm(t, out, url.Values{"action": {"approve"}})
	if st != http.StatusConflict || !strings.Contains(text(body), "not external") {
		t.Fatalf("outsider's approval: %d\n%s", st, text(body))
	}
	st, _, loc = alice.postForm(t, out, url.Values{"action": {"decline"}, "reason": {"internal only"}})
	if st != http.StatusSeeOther || !strings.Contains(loc, "done=joindecline") {
		t.Fatalf("decline: %d %s", st, loc)
	}
	if left, _ := e.store.ListJoinRequests(ctx, groups.AdminActor(), "team"); len(left) != 0 {
		t.Fatalf("left %+v", left)
	}
}
