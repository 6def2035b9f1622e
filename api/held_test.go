package api

import (
	"context"
	"strconv"
	"testing"

	"groupd/groups"
)

type heldList struct{ Held []groups.HeldPost }

// TestHeldRoutes: the moderation setting through the group spec, the
// hold queue for masters and admins, the privacy rules for others, and
// each decision.
func TestHeldRoutes(t *testing.T) {
	e := newEnv(t)
	e.users("alice@example.test", "bob@example.test", "carol@example.test")
	alice, bob, carol := as("alice@example.test"), as("bob@example.test"), as("carol@example.test")
	g := e.group(alice, map[string]any{"id": "team", "name": "Team", "public": false, "members": []string{"bob@example.test"},
		"mailing_list": map[string]any{"moderation": "all"}})
	if g.MailingList.Moderation != "all" {
		t.Fatalf("moderation %q", g.MailingList.Moderation)
	}
	e.wantErr(422, "invalid", "moderation must be none, outsiders or all",
		e.do(alice, "PATCH", "/api/v1/groups/team", `{"mailing_list": {"moderation": "some"}}`))

	var posts []*groups.Post
	for _, subj := range []string{"one", "two", "three"} {
		posts = append(posts, &groups.Post{List: "team@lists.example.test", Sender: "bob@example.test", Verified: true,
			Data: []byte("Subject: " + subj + "\r\n\r\nbody\r\n"), Subject: subj, MessageID: subj + "@x"})
	}
	if err := e.store.AcceptPosts(context.Background(), posts); err != nil {
		t.Fatal(err)
	}
	list := decodeAs[heldList](t, e.want(200, e.do(alice, "GET", "/api/v1/groups/team/held", nil)))
	if len(list.Held) != 3 || list.Held[0].Subject != "one" || list.Held[0].Sender != "bob@example.test" {
		t.Fatalf("held %+v", list.Held)
	}
	e.want(200, e.do(admin, "GET", "/api/v1/groups/team/held", nil))
	path := func(p *groups.Post) string { return "/api/v1/groups/team/held/" + strconv.FormatInt(p.Held, 10) }
	raw := e.want(200, e.do(alice, "GET", path(posts[0]), nil))
	if string(raw.body) != string(posts[0].Data) || raw.header.Get("Content-Type") != "message/rfc822" {
		t.Fatalf("raw %q %v", raw.body, raw.header)
	}

	// A member is denied; an outsider of the private group finds nothing,
	// exactly as for a missing group.
	e.wantErr(403, "forbidden", "only masters", e.do(bob, "GET", "/api/v1/groups/team/held", nil))
	e.wantErr(403, "forbidden", "only masters", e.do(bob, "POST", path(posts[0]), `{"action": "approve"}`))
	e.wantErr(404, "not_found", "group not found", e.do(carol, "GET", "/api/v1/groups/team/held", nil))
	e.wantErr(404, "not_found", "group not found", e.do(carol, "GET", path(posts[0]), nil))
	e.wantErr(404, "not_found", "group not found", e.do(carol, "GET", "/api/v1/groups/nosuch/held", nil))

	e.wantErr(422, "invalid", "action must be approve, reject or discard", e.do(alice, "POST", path(posts[0]), `{"action": "later"}`))
	e.wantErr(404, "not_found", "no held post", e.do(alice, "GET", "/api/v1/groups/team/held/x", nil))
	e.want(204, e.do(alice, "POST", path(posts[0]), `{"action": "approve"}`))
	e.want(204, e.do(admin, "POST", path(posts[1]), `{"action": "reject", "reason": "off topic"}`))
	e.want(204, e.do(alice, "POST", path(posts[2]), `{"action": "discard"}`))
	e.wantErr(404, "not_found", "no held post", e.do(alice, "POST", path(posts[0]), `{"action": "approve"}`))
	list = decodeAs[heldList](t, e.want(200, e.do(alice, "GET", "/api/v1/groups/team/held", nil)))
	if len(list.Held) != 0 {
		t.Fatalf("held %+v", list.Held)
	}
}
