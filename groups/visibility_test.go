package groups

import (
	"context"
	"reflect"
	"testing"
)

func TestPrivateGroupInvisibleToNonMembers(t *testing.T) {
	s := newStore(t)
	addUsers(t, s, "alice@example.test", "bob@example.test", "eve@example.test")
	alice, bob, eve := user("alice@example.test"), user("bob@example.test"), user("eve@example.test")
	ctx := context.Background()
	mustGroup(t, s, alice, GroupSpec{ID: str("hidden"), Name: str("Hidden plans"), Public: boolp(false), Members: []string{"bob@example.test"}})
	mustGroup(t, s, alice, GroupSpec{ID: str("open"), Name: str("Hidden in plain sight")})

	views := map[string][]string{ViewAll: {"open"}, ViewBelong: {}, ViewManage: {}}
	for view, want := range views {
		got, err := s.ListGroups(ctx, eve, ListQuery{View: view})
		if err != nil || !reflect.DeepEqual(ids(got), want) {
			t.Errorf("eve view %s: %v %v, want %v", view, ids(got), err, want)
		}
		got, err = s.ListGroups(ctx, eve, ListQuery{View: view, Q: "hid"})
		if err != nil || !reflect.DeepEqual(ids(got), want) {
			t.Errorf("eve search %s: %v %v, want %v", view, ids(got), err, want)
		}
	}
	for _, q := range []string{"hid", "Hidden p", "hidden@"} {
		got, _ := s.Autocomplete(ctx, eve, q, 10)
		for _, g := range got {
			if g.ID == "hidden" {
				t.Errorf("autocomplete %q shows the private group to an outsider", q)
			}
		}
	}
	got, _ := s.Autocomplete(ctx, bob, "hidden@", 10)
	if !reflect.DeepEqual(ids(got), []string{"hidden"}) {
		t.Errorf("member autocomplete by address: %v", ids(got))
	}
	got, _ = s.ListGroups(ctx, bob, ListQuery{View: ViewAll, Q: "HIDDEN"})
	if !reflect.DeepEqual(ids(got), []string{"open", "hidden"}) { // by name: "Hidden in…" < "Hidden plans"
		t.Errorf("member search: %v", ids(got))
	}
	got, _ = s.ListGroups(ctx, alice, ListQuery{View: ViewManage})
	if !reflect.DeepEqual(ids(got), []string{"open", "hidden"}) { // by name: "Hidden in…" < "Hidden plans"
		t.Errorf("alice manage: %v", ids(got))
	}
	got, _ = s.ListGroups(ctx, bob, ListQuery{View: ViewManage})
	if len(got) != 0 {
		t.Errorf("bob manage: %v", ids(got))
	}
	got, _ = s.ListGroups(ctx, admin, ListQuery{View: ViewAll})
	if len(got) != 2 {
		t.Errorf("admin all: %v", ids(got))
	}

	// A direct look-up answers exactly like a group that never existed.
	_, errHidden := s.GetGroup(ctx, eve, "hidden")
	_, errNever := s.GetGroup(ctx, eve, "never-existed")
	wantErr(t, errHidden, ErrNotFound)
	if errHidden.Error() != errNever.Error() {
		t.Errorf("hidden %q vs missing %q", errHidden, errNever)
	}
	for _, act := range []Action{ActSee, ActRead, ActWrite, ActManage, ActPurge, ActDelete} {
		_, e1 := s.Authorize(ctx, eve, "hidden", act, FeatureNote)
		_, e2 := s.Authorize(ctx, eve, "never-existed", act, FeatureNote)
		if e1 == nil || e2 == nil || e1.Error() != e2.Error() {
			t.Errorf("action %d: %v vs %v", act, e1, e2)
		}
	}
}

func TestPublicGroupShowsMembersButNotData(t *testing.T) {
	s := newStore(t)
	addUsers(t, s, "alice@example.test", "eve@example.test")
	alice, eve := user("alice@example.test"), user("eve@example.test")
	ctx := context.Background()
	g := mustGroup(t, s, alice, GroupSpec{Name: str("Open"), Description: str("for all"),
		MailingList: &ListSpec{ExternalMembers: &[]string{"partner@other.example"}}})
	seen, err := s.GetGroup(ctx, eve, g.ID)
	if err != nil || seen.Description != "for all" || !reflect.DeepEqual(seen.Members, []string{"alice@example.test"}) {
		t.Fatalf("outsider view: %+v %v", seen, err)
	}
	if len(seen.MailingList.ExternalMembers) != 0 {
		t.Errorf("outsider sees external members: %v", seen.MailingList.ExternalMembers)
	}
	for _, f := range AllFeatures() {
		_, err := s.Authorize(ctx, eve, g.ID, ActRead, f)
		wantErr(t, err, ErrDenied)
	}
	_, err = s.Notes(ctx, eve, g.ID)
	wantErr(t, err, ErrDenied)
	_, err = s.UpdateGroup(ctx, eve, g.ID, GroupSpec{Name: str("mine")})
	wantErr(t, err, ErrDenied)
}

func TestSearchTreatsMetacharactersLiterally(t *testing.T) {
	s := newStore(t)
	addUsers(t, s, "alice@example.test")
	alice := user("alice@example.test")
	ctx := context.Background()
	for _, n := range []string{"100% done", "1000 things", "a_b", "axb", "x'; DROP TABLE groups;--"} {
		mustGroup(t, s, alice, GroupSpec{Name: str(n)})
	}
	cases := map[string]int{"100%": 1, "a_": 1, "%": 0, "_": 0, "x'; DROP": 1, "a": 2}
	for q, n := range cases {
		got, err := s.ListGroups(ctx, alice, ListQuery{Q: q})
		if err != nil || len(got) != n {
			t.Errorf("search %q: %v %v, want %d", q, ids(got), err, n)
		}
	}
	all, _ := s.ListGroups(ctx, alice, ListQuery{})
	if len(all) != 5 {
		t.Errorf("table damaged: %v", ids(all))
	}
}

// TestGuestSeesOnlyOwnGroups: an external (guest) user's "all" view,
// search and autocomplete hold only the groups they belong to, not the
// organisation's public groups; a colleague still sees those.
func TestGuestSeesOnlyOwnGroups(t *testing.T) {
	s := newStore(t)
	addUsers(t, s, "alice@example.test", "carol@example.test", "guest@other.example")
	alice, carol, guest := user("alice@example.test"), user("carol@example.test"), user("guest@other.example")
	ctx := context.Background()
	mustGroup(t, s, admin, GroupSpec{ID: str("project"), Name: str("Project with partners"), External: boolp(true),
		Masters: []string{"alice@example.test"}, Members: []string{"guest@other.example"}})
	mustGroup(t, s, alice, GroupSpec{ID: str("payroll"), Name: str("Payroll")})
	mustGroup(t, s, alice, GroupSpec{ID: str("planning"), Name: str("Planning")})
	for _, q := range []string{"", "p", "pa", "payroll@"} {
		got, err := s.ListGroups(ctx, guest, ListQuery{View: ViewAll, Q: q})
		// "pa" finds the guest's own "Project with partners" by its last
		// word, and not the colleagues' Payroll.
		if want := ids(mine(q != "payroll@")); err != nil || !reflect.DeepEqual(ids(got), want) {
			t.Errorf("guest, all groups, q=%q: %v %v, want %v", q, ids(got), err, want)
		}
	}
	for _, q := range []string{"p", "pla", "pay", "project@"} {
		got, err := s.Autocomplete(ctx, guest, q, 10)
		if want := ids(mine(q == "p" || q == "project@")); err != nil || !reflect.DeepEqual(ids(got), want) {
			t.Errorf("guest, autocomplete %q: %v %v, want %v", q, ids(got), err, want)
		}
	}
	got, _ := s.ListGroups(ctx, carol, ListQuery{View: ViewAll})
	if want := []string{"payroll", "planning", "project"}; !reflect.DeepEqual(ids(got), want) {
		t.Errorf("a colleague's all groups: %v, want %v", ids(got), want)
	}
}

// mine is the guest's own group, or nothing.
func mine(yes bool) []Summary {
	if yes {
		return []Summary{{ID: "project"}}
	}
	return nil
}
