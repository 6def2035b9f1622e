package api

import (
	"strings"
	"testing"

	"groupd/groups"
)

func TestGroupLifecycle(t *testing.T) {
	e := newEnv(t)
	e.users("alice@example.test", "bob@example.test", "carol@example.test")
	alice, bob, carol := as("alice@example.test"), as("bob@example.test"), as("carol@example.test")

	r := e.want(201, e.do(alice, "POST", "/api/v1/groups", `{"id": "team", "name": "Team", "description": "the team",
		"members": ["bob@example.test"], "mailing_list": {"external_members": ["partner@other.example"]}}`))
	if loc := r.header.Get("Location"); loc != "/api/v1/groups/team" {
		t.Errorf("Location %q", loc)
	}
	g := decodeAs[groups.Group](t, r)
	if g.ID != "team" || g.Name != "Team" || !g.Public || !g.Notify || g.External || g.Role != "master" ||
		strings.Join(g.Masters, ",") != "alice@example.test" ||
		strings.Join(g.Members, ",") != "alice@example.test,bob@example.test" ||
		g.MailingList.Address != "team@lists.example.test" || !g.Features.Note ||
		strings.Join(g.MailingList.ExternalMembers, ",") != "partner@other.example" {
		t.Errorf("created %+v", g)
	}

	// A member reads everything; an outsider of a public group reads the
	// name, description and members but not the list's address sets.
	m := decodeAs[groups.Group](t, e.want(200, e.do(bob, "GET", "/api/v1/groups/team", nil)))
	if m.Role != "member" || len(m.MailingList.ExternalMembers) != 1 {
		t.Errorf("member sees %+v", m)
	}
	o := decodeAs[groups.Group](t, e.want(200, e.do(carol, "GET", "/api/v1/groups/team", nil)))
	if o.Role != "" || o.Name != "Team" || o.Description != "the team" || len(o.Members) != 2 || len(o.MailingList.ExternalMembers) != 0 {
		t.Errorf("outsider sees %+v", o)
	}

	// Only masters (and admins) edit, purge and delete.
	e.wantErr(403, "forbidden", "only masters", e.do(bob, "PATCH", "/api/v1/groups/team", `{"name": "Mine"}`))
	e.wantErr(403, "forbidden", "only masters", e.do(carol, "PATCH", "/api/v1/groups/team", `{"name": "Mine"}`))
	e.wantErr(403, "forbidden", "only masters", e.do(bob, "DELETE", "/api/v1/groups/team", nil))
	e.wantErr(403, "forbidden", "only masters", e.do(bob, "POST", "/api/v1/groups/team/purge", `{"features": ["note"]}`))
	p := decodeAs[groups.Group](t, e.want(200, e.do(alice, "PATCH", "/api/v1/groups/team",
		`{"description": "edited", "public": false, "features": {"folder": false}, "mailing_list": {"send_restriction": "anyone"}}`)))
	if p.Description != "edited" || p.Public || p.Features.Folder || p.MailingList.SendRestriction != "anyone" || p.Name != "Team" {
		t.Errorf("patched %+v", p)
	}
	e.want(200, e.do(admin, "PATCH", "/api/v1/groups/team", `{"public": true}`))

	// A master edits only their own groups.
	e.group(carol, map[string]any{"id": "carols", "name": "Carol's"})
	e.wantErr(403, "forbidden", "only masters", e.do(alice, "PATCH", "/api/v1/groups/carols", `{"name": "Taken"}`))
	e.wantErr(403, "forbidden", "only masters", e.do(alice, "DELETE", "/api/v1/groups/carols", nil))
	e.want(200, e.do(carol, "PATCH", "/api/v1/groups/carols", `{"name": "Carol's own"}`))

	e.want(204, e.do(alice, "POST", "/api/v1/groups/team/purge", `{"features": ["note", "folder"]}`))
	e.wantErr(422, "invalid", "not a feature", e.do(alice, "POST", "/api/v1/groups/team/purge", `{"features": ["photos"]}`))
	e.wantErr(422, "invalid", "at least one", e.do(alice, "POST", "/api/v1/groups/team/purge", `{"features": []}`))
	e.wantErr(400, "bad_request", `"features" must be a list`, e.do(alice, "POST", "/api/v1/groups/team/purge", `{"features": "note"}`))

	e.want(204, e.do(alice, "DELETE", "/api/v1/groups/team", nil))
	e.wantErr(404, "not_found", "group not found", e.do(alice, "GET", "/api/v1/groups/team", nil))
	e.wantErr(404, "not_found", "group not found", e.do(admin, "DELETE", "/api/v1/groups/team", nil))
	// Ids are never reused.
	e.wantErr(409, "conflict", "is not available", e.do(alice, "POST", "/api/v1/groups", `{"id": "team", "name": "Again"}`))
}

func TestGroupBadInput(t *testing.T) {
	e := newEnv(t)
	e.users("alice@example.test", "bob@example.test")
	alice := as("alice@example.test")
	e.group(alice, map[string]any{"id": "taken", "name": "Taken"})
	korean100 := strings.Repeat("한", 100)
	cases := []struct {
		name   string
		body   string
		status int
		code   string
		says   string
	}{
		{"unknown field", `{"name": "X", "colour": "red"}`, 400, "bad_request", `unknown field "colour"`},
		{"unknown nested field", `{"name": "X", "mailing_list": {"moderated": true}}`, 400, "bad_request", `unknown field "moderated"`},
		{"wrong type", `{"name": "X", "public": "yes"}`, 400, "bad_request", `field "public" must be true or false, not string`},
		{"wrong nested type", `{"name": "X", "mailing_list": {"address": 5}}`, 400, "bad_request", `"mailing_list.address" must be a string`},
		{"wrong list type", `{"name": "X", "members": "bob@example.test"}`, 400, "bad_request", `"members" must be a list`},
		{"over 1 MiB", `{"name": "X", "description": "` + strings.Repeat("d", 1<<20) + `"}`, 413, "too_large", "over the limit"},
		{"no name", `{"description": "x"}`, 422, "invalid", "name is required"},
		{"name 101 chars", `{"name": "` + korean100 + `한"}`, 422, "invalid", "1 to 100 characters"},
		{"description 301", `{"name": "X", "description": "` + strings.Repeat("é", 301) + `"}`, 422, "invalid", "at most 300"},
		{"invalid member email", `{"name": "X", "members": ["bob@@example.test"]}`, 422, "invalid", "not a valid email address"},
		{"member without account", `{"name": "X", "members": ["zed@example.test"]}`, 422, "invalid", "no account"},
		{"bad id", `{"id": "Has Spaces", "name": "X"}`, 422, "invalid", "lower-case"},
		{"id taken", `{"id": "taken", "name": "X"}`, 409, "conflict", `"taken" is not available`},
		{"address taken", `{"name": "X", "mailing_list": {"address": "taken@lists.example.test"}}`, 409, "conflict", "is not available"},
		{"external without authority", `{"name": "X", "external": true}`, 403, "forbidden", "external_groups authority"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e.wantErr(c.status, c.code, c.says, e.do(alice, "POST", "/api/v1/groups", c.body))
		})
	}
	g := e.group(alice, map[string]any{"name": korean100})
	if g.Name != korean100 || g.ID != strings.Repeat("han", 13) {
		t.Errorf("100-character Korean name: %q id %q", g.Name, g.ID)
	}
	e.wantErr(422, "invalid", "members", e.do(alice, "PATCH", "/api/v1/groups/taken", `{"members": ["bob@example.test"]}`))
	e.wantErr(422, "invalid", "never changes", e.do(alice, "PATCH", "/api/v1/groups/taken", `{"id": "other"}`))
	e.wantErr(400, "bad_request", `unknown field "owner"`, e.do(alice, "PATCH", "/api/v1/groups/taken", `{"owner": "x"}`))
}

func TestPolicyGovernsGroups(t *testing.T) {
	e := newEnv(t)
	e.users("alice@example.test", "bob@example.test")
	alice := as("alice@example.test")
	e.group(alice, map[string]any{"id": "team", "name": "Team"})

	pol := decodeAs[groups.Policy](t, e.want(200, e.do(admin, "GET", "/api/v1/policy", nil)))
	if pol.CreateGroups != "everyone" || len(pol.DisabledFeatures) != 0 {
		t.Errorf("default policy %+v", pol)
	}
	pol = decodeAs[groups.Policy](t, e.want(200, e.do(admin, "PUT", "/api/v1/policy",
		`{"create_groups": "admins", "disabled_features": ["folder"], "external_authority": ["bob@example.test"]}`)))
	if pol.CreateGroups != "admins" || strings.Join(pol.DisabledFeatures, ",") != "folder" || strings.Join(pol.ExternalAuthority, ",") != "bob@example.test" {
		t.Errorf("stored policy %+v", pol)
	}
	e.wantErr(403, "forbidden", "only administrators create groups", e.do(alice, "POST", "/api/v1/groups", `{"name": "New"}`))
	e.want(201, e.do(admin, "POST", "/api/v1/groups", `{"name": "By admin", "masters": ["alice@example.test"]}`))
	e.want(200, e.do(alice, "PATCH", "/api/v1/groups/team", `{"features": {"folder": false}}`))
	e.wantErr(403, "forbidden", "folder feature is disabled by the organisation policy",
		e.do(alice, "PATCH", "/api/v1/groups/team", `{"features": {"folder": true}}`))

	e.wantErr(403, "forbidden", "administrators", e.do(alice, "GET", "/api/v1/policy", nil))
	e.wantErr(403, "forbidden", "administrators", e.do(alice, "PUT", "/api/v1/policy", `{"create_groups": "everyone"}`))
	e.wantErr(422, "invalid", "create_groups", e.do(admin, "PUT", "/api/v1/policy", `{"create_groups": "anyone"}`))
	e.wantErr(422, "invalid", "not a feature", e.do(admin, "PUT", "/api/v1/policy", `{"create_groups": "everyone", "disabled_features": ["chat"]}`))
	e.wantErr(422, "invalid", "not a valid email", e.do(admin, "PUT", "/api/v1/policy", `{"create_groups": "everyone", "external_authority": ["x"]}`))
	e.wantErr(400, "bad_request", `unknown field "who"`, e.do(admin, "PUT", "/api/v1/policy", `{"who": "everyone"}`))
	e.wantErr(400, "bad_request", `"disabled_features" must be a list`, e.do(admin, "PUT", "/api/v1/policy", `{"create_groups": "everyone", "disabled_features": "folder"}`))
}
