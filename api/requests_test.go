package api

import (
	"context"
	"strconv"
	"testing"

	"groupd/groups"
)

type joinList struct{ Requests []groups.PendingJoin }

// TestJoinRequestRoutes: the pending requests for masters and admins,
// the privacy rules for others, approval (a user becomes a member; an
// outsider of an internal group is refused with 409 and stays) and
// decline.
func TestJoinRequestRoutes(t *testing.T) {
	e := newEnv(t)
	e.users("alice@example.test", "bob@example.test", "carol@example.test", "dave@example.test")
	alice, bob, carol := as("alice@example.test"), as("bob@example.test"), as("carol@example.test")
	e.group(alice, map[string]any{"id": "team", "name": "Team", "public": false, "notify": false,
		"members": []string{"bob@example.test"}})
	ctx := context.Background()
	for _, addr := range []string{"dave@example.test", "eve@other.example", "fred@other.example", "dave@example.test"} {
		if err := e.store.JoinRequest(ctx, "team@lists.example.test", groups.JoinMail{Address: addr, Subject: "hi",
			Text: "let me in", Verified: true}); err != nil {
			t.Fatal(err)
		}
	}
	list := decodeAs[joinList](t, e.want(200, e.do(alice, "GET", "/api/v1/groups/team/requests", nil)))
	if len(list.Requests) != 3 || list.Requests[0].Address != "dave@example.test" || list.Requests[0].Count != 2 ||
		list.Requests[0].Text != "let me in" {
		t.Fatalf("requests %+v", list.Requests)
	}
	e.want(200, e.do(admin, "GET", "/api/v1/groups/team/requests", nil))
	path := func(i int) string { return "/api/v1/groups/team/requests/" + strconv.FormatInt(list.Requests[i].N, 10) }
	one := decodeAs[groups.PendingJoin](t, e.want(200, e.do(alice, "GET", path(1), nil)))
	if one.Address != "eve@other.example" || !one.Verified {
		t.Fatalf("request %+v", one)
	}

	// A member is denied; an outsider of the private group finds nothing,
	// exactly as for a missing group.
	e.wantErr(403, "forbidden", "only masters", e.do(bob, "GET", "/api/v1/groups/team/requests", nil))
	e.wantErr(403, "forbidden", "only masters", e.do(bob, "POST", path(0), `{"action": "approve"}`))
	e.wantErr(404, "not_found", "group not found", e.do(carol, "GET", "/api/v1/groups/team/requests", nil))
	e.wantErr(404, "not_found", "group not found", e.do(carol, "GET", path(0), nil))
	e.wantErr(404, "not_found", "group not found", e.do(carol, "POST", path(0), `{"action": "approve"}`))
	e.wantErr(404, "not_found", "group not found", e.do(carol, "GET", "/api/v1/groups/nosuch/requests", nil))

	e.wantErr(422, "invalid", "action must be approve or decline", e.do(alice, "POST", path(0), `{"action": "later"}`))
	e.wantErr(404, "not_found", "no join request", e.do(alice, "GET", "/api/v1/groups/team/requests/x", nil))
	e.want(204, e.do(alice, "POST", path(0), `{"action": "approve"}`))
	e.wantErr(409, "conflict", "not external", e.do(alice, "POST", path(1), `{"action": "approve"}`))
	e.want(204, e.do(admin, "POST", path(2), `{"action": "decline", "reason": "not now"}`))
	e.wantErr(404, "not_found", "no join request", e.do(alice, "POST", path(0), `{"action": "approve"}`))

	members := decodeAs[struct{ Members []groups.Member }](t, e.want(200, e.do(alice, "GET", "/api/v1/groups/team/members", nil)))
	found := false
	for _, m := range members.Members {
		found = found || m.Email == "dave@example.test"
	}
	left := decodeAs[joinList](t, e.want(200, e.do(alice, "GET", "/api/v1/groups/team/requests", nil)))
	if !found || len(left.Requests) != 1 || left.Requests[0].Address != "eve@other.example" {
		t.Fatalf("dave a member: %v; left %+v", found, left.Requests)
	}
}
