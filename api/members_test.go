package api

import (
	"testing"

	"groupd/groups"
)

type memberList struct{ Members []groups.Member }

func TestMembers(t *testing.T) {
	e := newEnv(t)
	e.users("alice@example.test", "bob@example.test", "carol@example.test", "dave@example.test", "x@other.example")
	alice, bob, carol := as("alice@example.test"), as("bob@example.test"), as("carol@example.test")
	e.group(alice, map[string]any{"id": "team", "name": "Team"})

	// Empty body: a member. Body with role: that role. Upper case folds.
	m := decodeAs[groups.Member](t, e.want(200, e.do(alice, "PUT", "/api/v1/groups/team/members/Bob@example.test", nil)))
	if m.Email != "bob@example.test" || m.Role != "member" || m.Name != "bob@example.test" {
		t.Errorf("added %+v", m)
	}
	m = decodeAs[groups.Member](t, e.want(200, e.do(alice, "PUT", "/api/v1/groups/team/members/carol@example.test", `{"role": "master"}`)))
	if m.Role != "master" {
		t.Errorf("added master %+v", m)
	}
	list := decodeAs[memberList](t, e.want(200, e.do(bob, "GET", "/api/v1/groups/team/members", nil)))
	mem := func(email, role string) groups.Member { return groups.Member{Email: email, Name: email, Role: role} }
	want := []groups.Member{mem("alice@example.test", "master"), mem("bob@example.test", "member"), mem("carol@example.test", "master")}
	if len(list.Members) != 3 || list.Members[0] != want[0] || list.Members[1] != want[1] || list.Members[2] != want[2] {
		t.Errorf("members %+v", list.Members)
	}
	// An outsider sees a public group's members.
	e.want(200, e.do(as("dave@example.test"), "GET", "/api/v1/groups/team/members", nil))

	// Members do not manage members, nor leave by themselves: a member
	// who tries is told that members cannot leave and who removes them.
	e.wantErr(403, "forbidden", "only masters", e.do(bob, "PUT", "/api/v1/groups/team/members/dave@example.test", nil))
	e.wantErr(403, "forbidden", "members cannot leave a group by themselves; only its masters remove members",
		e.do(bob, "DELETE", "/api/v1/groups/team/members/bob@example.test", nil))
	e.wantErr(403, "forbidden", "only masters", e.do(bob, "DELETE", "/api/v1/groups/team/members/carol@example.test", nil))

	e.wantErr(422, "invalid", "role must be master or member", e.do(alice, "PUT", "/api/v1/groups/team/members/dave@example.test", `{"role": "owner"}`))
	e.wantErr(400, "bad_request", `unknown field "admin"`, e.do(alice, "PUT", "/api/v1/groups/team/members/dave@example.test", `{"admin": true}`))
	e.wantErr(400, "bad_request", `"role" must be a string`, e.do(alice, "PUT", "/api/v1/groups/team/members/dave@example.test", `{"role": 1}`))
	e.wantErr(422, "invalid", "not a valid email address", e.do(alice, "PUT", "/api/v1/groups/team/members/not-an-address", nil))
	e.wantErr(422, "invalid", "no account", e.do(alice, "PUT", "/api/v1/groups/team/members/zed@example.test", nil))
	e.wantErr(422, "invalid", "outside the organisation", e.do(admin, "PUT", "/api/v1/groups/team/members/x@other.example", nil))

	// The last master can be neither demoted nor removed.
	e.want(204, e.do(alice, "DELETE", "/api/v1/groups/team/members/carol@example.test", nil))
	e.wantErr(409, "conflict", "last master", e.do(alice, "PUT", "/api/v1/groups/team/members/alice@example.test", `{"role": "member"}`))
	e.wantErr(409, "conflict", "last master", e.do(admin, "DELETE", "/api/v1/groups/team/members/alice@example.test", nil))
	e.wantErr(404, "not_found", "not a member", e.do(alice, "DELETE", "/api/v1/groups/team/members/carol@example.test", nil))

	// A removed member loses access at once.
	e.want(200, e.do(alice, "PATCH", "/api/v1/groups/team", `{"public": false}`))
	e.want(200, e.do(bob, "GET", "/api/v1/groups/team/notes", nil))
	e.want(204, e.do(alice, "DELETE", "/api/v1/groups/team/members/bob@example.test", nil))
	e.wantErr(404, "not_found", "group not found", e.do(bob, "GET", "/api/v1/groups/team/notes", nil))
	e.wantErr(404, "not_found", "group not found", e.do(bob, "GET", "/api/v1/groups/team", nil))
	e.wantErr(404, "not_found", "group not found", e.do(carol, "GET", "/api/v1/groups/team/members", nil))
}
