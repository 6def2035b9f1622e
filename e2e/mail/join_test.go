package mail

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
)

// Join requests through the real daemon (issue 13): swaks mails
// <list>-join@ from the trusted network (a verified requester), the
// relay stand-in records what goes out, the API decides.

type joinRequest struct {
	N       int64  `json:"n"`
	Address string `json:"address"`
	Count   int    `json:"count"`
}

func (e *env) joinRequests(id string) []joinRequest {
	e.t.Helper()
	code, body := e.d.API(e.t, "GET", "/api/v1/groups/"+id+"/requests", alice, nil)
	var out struct{ Requests []joinRequest }
	if code != 200 || json.Unmarshal(body, &out) != nil {
		e.t.Fatalf("GET requests: %d %s", code, body)
	}
	return out.Requests
}

// noticeSubjects are the Subjects of msgs as a mail client shows them
// (unfolded, decoded).
func noticeSubjects(t *testing.T, msgs [][]byte) []string {
	t.Helper()
	var out []string
	for _, m := range msgs {
		s, _, _ := readNotice(t, m)
		out = append(out, s)
	}
	return out
}

// withSubject counts the messages of msgs whose Subject starts with
// prefix.
func withSubject(t *testing.T, msgs [][]byte, prefix string) int {
	t.Helper()
	n := 0
	for _, s := range noticeSubjects(t, msgs) {
		if strings.HasPrefix(s, prefix) {
			n++
		}
	}
	return n
}

// TestJoinRequestApproved: two -join mails from carol make one request
// (the master is told once, carol acknowledged once); alice approves it
// through the API; carol is then a member, is told, and gets the list's
// next post. An outside address, once the group is external, becomes an
// external member the same way.
func TestJoinRequestApproved(t *testing.T) {
	e := start(t, nil)
	e.list("team", []string{bob}, map[string]any{"send_restriction": "members"})
	joinAddr := "team-join@" + domain
	for _, words := range []string{"I am carol", "I am carol, again"} {
		if got := e.swaksTo(carol, joinAddr, "let me in", words); !strings.HasPrefix(got, "<-  250 ") {
			t.Fatalf("join mail: %q", got)
		}
	}
	got := e.settle()
	if n := withSubject(t, got[alice], "Join request for Team"); n != 1 {
		t.Fatalf("alice got %d join notices, want 1 (the second request is merged): %q", n, noticeSubjects(t, got[alice]))
	}
	if n := withSubject(t, got[carol], "Your request to join"); n != 1 {
		t.Fatalf("carol got %d acknowledgements, want 1: %q", n, noticeSubjects(t, got[carol]))
	}
	reqs := e.joinRequests("team")
	if len(reqs) != 1 || reqs[0].Address != carol || reqs[0].Count != 2 {
		t.Fatalf("requests %+v", reqs)
	}
	decide := func(n int64, action string) {
		t.Helper()
		code, body := e.d.API(t, "POST", "/api/v1/groups/team/requests/"+strconv.FormatInt(n, 10), alice, map[string]any{"action": action})
		if code != 204 {
			t.Fatalf("%s: %d %s", action, code, body)
		}
	}
	decide(reqs[0].N, "approve")
	got = e.settle()
	if subj := noticeSubjects(t, got[carol]); len(subj) != 2 ||
		subj[1] != `Your request to join the group "Team" (team@lists.example.test) was approved` {
		t.Fatalf("carol got %q, want the acknowledgement then the approval", subj)
	}
	code, body := e.d.API(t, "GET", "/api/v1/groups/team/members", alice, nil)
	if code != 200 || !strings.Contains(string(body), `"email":"`+carol+`","name":"`+carol+`","role":"member"`) {
		t.Fatalf("members: %d %s", code, body)
	}
	if len(e.joinRequests("team")) != 0 {
		t.Fatal("the approved request is still pending")
	}

	// An outside address: the group is made external (an administrator),
	// then the partner's request, approved, makes them an external member.
	if code, body := e.d.API(t, "PATCH", "/api/v1/groups/team", "", map[string]any{"external": true}); code != 200 {
		t.Fatalf("external: %d %s", code, body)
	}
	e.swaksTo(partner, joinAddr, "partner here", "may I read along?")
	e.settle()
	reqs = e.joinRequests("team")
	if len(reqs) != 1 || reqs[0].Address != partner {
		t.Fatalf("requests %+v", reqs)
	}
	decide(reqs[0].N, "approve")
	e.swaksTo(bob, team, "after the joins", "welcome")
	got = e.settle()
	if c := copies(got, "after the joins"); c[carol] != 1 || c[partner] != 1 || c[alice] != 1 || c[bob] != 1 {
		t.Fatalf("copies %v", c)
	}
	if n := withSubject(t, got[partner], `Your request to join the group "Team" (team@lists.example.test) was approved`); n != 1 {
		t.Fatalf("partner got %q", noticeSubjects(t, got[partner]))
	}
}
