package groups

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

func TestCreatorBecomesMasterAndMember(t *testing.T) {
	s := newStore(t)
	addUsers(t, s, "alice@example.test", "bob@example.test")
	g := mustGroup(t, s, user("alice@example.test"), GroupSpec{Name: str("Team"), Members: []string{"bob@example.test"}})
	if g.ID != "team" || g.MailingList.Address != "team@lists.example.test" {
		t.Errorf("id %q address %q", g.ID, g.MailingList.Address)
	}
	if strings.Join(g.Masters, ",") != "alice@example.test" {
		t.Errorf("masters %v", g.Masters)
	}
	if strings.Join(g.Members, ",") != "alice@example.test,bob@example.test" {
		t.Errorf("members %v", g.Members)
	}
	if !g.Public || !g.Notify || g.Features != AllOn() {
		t.Errorf("defaults wrong: %+v", g)
	}
	if l := g.MailingList; !l.Enabled || l.SendRestriction != SendAnyone || !l.BlockExternal {
		t.Errorf("a public group's new list is %+v, want enabled, anyone, block_external", l)
	}
}

func TestCreateGroupRules(t *testing.T) {
	s := newStore(t)
	addUsers(t, s, "alice@example.test", "guest@other.example")
	alice := user("alice@example.test")
	tests := []struct {
		name string
		spec GroupSpec
		as   Actor
		want error
	}{
		{"100 Korean characters", GroupSpec{Name: str(strings.Repeat("한", 100))}, alice, nil},
		{"101 Korean characters", GroupSpec{Name: str(strings.Repeat("한", 101))}, alice, ErrInvalid},
		{"empty name", GroupSpec{Name: str("")}, alice, ErrInvalid},
		{"blank name", GroupSpec{Name: str("   ")}, alice, ErrInvalid},
		{"name with newline", GroupSpec{Name: str("a\nb")}, alice, ErrInvalid},
		{"missing name", GroupSpec{}, alice, ErrInvalid},
		{"description 300", GroupSpec{Name: str("d300"), Description: str(strings.Repeat("é", 300))}, alice, nil},
		{"description 301", GroupSpec{Name: str("d301"), Description: str(strings.Repeat("é", 301))}, alice, ErrInvalid},
		{"bad id", GroupSpec{ID: str("Bad Id"), Name: str("x")}, alice, ErrInvalid},
		{"companion id", GroupSpec{ID: str("team-owner"), Name: str("x")}, alice, ErrInvalid},
		{"address outside hosted domains", GroupSpec{Name: str("x"), MailingList: &ListSpec{Address: str("x@evil.example")}}, alice, ErrInvalid},
		{"bad send restriction", GroupSpec{Name: str("x"), MailingList: &ListSpec{SendRestriction: str("nobody")}}, alice, ErrInvalid},
		{"unknown member", GroupSpec{Name: str("x"), Members: []string{"nobody@example.test"}}, alice, ErrInvalid},
		{"invalid member email", GroupSpec{Name: str("x"), Members: []string{"not an email"}}, alice, ErrInvalid},
		{"outsider in internal group", GroupSpec{Name: str("x"), Members: []string{"guest@other.example"}}, alice, ErrInvalid},
		{"external without authority", GroupSpec{Name: str("x"), External: boolp(true)}, alice, ErrDenied},
		{"admin without masters", GroupSpec{Name: str("x")}, admin, ErrInvalid},
		{"senders_as not a member", GroupSpec{Name: str("x"), MailingList: &ListSpec{SendersAs: &[]string{"guest@other.example"}}}, alice, ErrInvalid},
		{"nobody", GroupSpec{Name: str("x")}, Actor{}, ErrUnauthenticated},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.CreateGroup(context.Background(), tc.as, tc.spec)
			if tc.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantErr(t, err, tc.want)
		})
	}
}

func TestIDsDerivedUniqueAndNeverReused(t *testing.T) {
	s := newStore(t)
	addUsers(t, s, "alice@example.test")
	alice := user("alice@example.test")
	ctx := context.Background()
	a := mustGroup(t, s, alice, GroupSpec{Name: str("Sales & Marketing")})
	b := mustGroup(t, s, alice, GroupSpec{Name: str("sales marketing")})
	k := mustGroup(t, s, alice, GroupSpec{Name: str("영업팀")})
	if a.ID != "sales-marketing" || b.ID != "sales-marketing-2" || k.ID != "yeongeoptim" {
		t.Fatalf("ids %q %q %q", a.ID, b.ID, k.ID)
	}
	if err := s.DeleteGroup(ctx, alice, a.ID); err != nil {
		t.Fatal(err)
	}
	_, err := s.CreateGroup(ctx, alice, GroupSpec{ID: str("sales-marketing"), Name: str("again")})
	wantErr(t, err, ErrConflict)
	c := mustGroup(t, s, alice, GroupSpec{Name: str("Sales Marketing")})
	if c.ID != "sales-marketing-3" {
		t.Fatalf("derived id reused a retired one: %q", c.ID)
	}
}

func TestListAddressUnique(t *testing.T) {
	s := newStore(t)
	addUsers(t, s, "alice@example.test")
	alice := user("alice@example.test")
	mustGroup(t, s, alice, GroupSpec{Name: str("One"), MailingList: &ListSpec{Address: str("Shared@Lists.Example.Test")}})
	_, err := s.CreateGroup(context.Background(), alice, GroupSpec{Name: str("Two"), MailingList: &ListSpec{Address: str("shared@lists.example.test")}})
	wantErr(t, err, ErrConflict)
	two := mustGroup(t, s, alice, GroupSpec{Name: str("Two")})
	_, err = s.UpdateGroup(context.Background(), alice, two.ID, GroupSpec{MailingList: &ListSpec{Address: str("shared@lists.example.test")}})
	wantErr(t, err, ErrConflict)
	// A new group whose default address would be the taken one is refused too.
	_, err = s.CreateGroup(context.Background(), alice, GroupSpec{ID: str("shared"), Name: str("Three")})
	wantErr(t, err, ErrConflict)
}

func TestExternalAuthority(t *testing.T) {
	s := newStore(t)
	addUsers(t, s, "alice@example.test", "bob@example.test", "guest@other.example")
	ctx := context.Background()
	if _, err := s.SetPolicy(ctx, admin, Policy{CreateGroups: "everyone", ExternalAuthority: []string{"bob@example.test"}}); err != nil {
		t.Fatal(err)
	}
	g := mustGroup(t, s, user("bob@example.test"), GroupSpec{Name: str("Partners"), External: boolp(true), Members: []string{"guest@other.example"}})
	if !g.External || !contains(g.Members, "guest@other.example") {
		t.Fatalf("external group: %+v", g)
	}
	_, err := s.UpdateGroup(ctx, user("bob@example.test"), g.ID, GroupSpec{External: boolp(false)})
	wantErr(t, err, ErrConflict) // an outsider is still a member
	_, err = s.CreateGroup(ctx, user("alice@example.test"), GroupSpec{Name: str("X"), External: boolp(true)})
	wantErr(t, err, ErrDenied)
}

// A list may hold more external addresses than one SQL statement may
// have parameters (SQLite's 32,766): creating it and removing one of
// them work (they answered 500 "too many SQL variables").
func TestListManyExternalAddresses(t *testing.T) {
	s := newStore(t)
	addUsers(t, s, "alice@example.test")
	alice := user("alice@example.test")
	ext := make([]string, 33000)
	for i := range ext {
		ext[i] = fmt.Sprintf("r%05d@sink.example", i)
	}
	external := true
	mustGroup(t, s, admin, GroupSpec{ID: str("big"), Name: str("Big"), External: &external,
		Masters: []string{"alice@example.test"}, MailingList: &ListSpec{ExternalMembers: &ext}})
	fewer := ext[1:]
	g, err := s.UpdateGroup(context.Background(), alice, "big", GroupSpec{MailingList: &ListSpec{ExternalMembers: &fewer}})
	if err != nil || len(g.MailingList.ExternalMembers) != len(fewer) {
		t.Fatalf("removing one of %d addresses: %v", len(ext), err)
	}
}
