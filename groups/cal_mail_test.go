package groups

import (
	"context"
	"math"
	"testing"
)

// TestListCalendar: the list's mail writes the group's events without a
// member actor, only while the event feature is on (by the masters and
// the policy), and a write after it is switched off is refused.
func TestListCalendar(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	addUsers(t, s, "a@example.test")
	master := user("a@example.test")
	mustGroup(t, s, master, GroupSpec{ID: str("g"), Name: str("G")})
	if _, err := s.ListCalendar(ctx, "nobody@lists.example.test"); err == nil {
		t.Fatal("a calendar for an address that is no list")
	}
	c, err := s.ListCalendar(ctx, "G@Lists.Example.Test")
	if err != nil {
		t.Fatal(err)
	}
	put := CalPut{Name: "u.ics", UID: "u", Data: "x", First: math.MinInt64, Last: math.MaxInt64}
	if _, created, err := c.Put(ctx, put); err != nil || !created {
		t.Fatalf("put through the list: %v %v", created, err)
	}
	mine, _ := s.Calendar(ctx, master, "g", FeatureEvent)
	if name, err := mine.NameOfUID(ctx, "u"); name != "u.ics" || err != nil {
		t.Fatalf("the member does not see it: %q %v", name, err)
	}
	off := false
	if _, err := s.UpdateGroup(ctx, master, "g", GroupSpec{Features: &FeatureSpec{Event: &off}}); err != nil {
		t.Fatal(err)
	}
	_, _, err = c.Put(ctx, put)
	wantErr(t, err, ErrNotFound)
	_, err = s.ListCalendar(ctx, "g@lists.example.test")
	wantErr(t, err, ErrNotFound)
	on := true
	s.UpdateGroup(ctx, master, "g", GroupSpec{Features: &FeatureSpec{Event: &on}})
	if _, err := s.SetPolicy(ctx, AdminActor(), Policy{CreateGroups: "everyone", DisabledFeatures: []string{FeatureEvent}}); err != nil {
		t.Fatal(err)
	}
	_, err = s.ListCalendar(ctx, "g@lists.example.test")
	wantErr(t, err, ErrNotFound)
}
