package groups

import (
	"context"
	"math"
	"testing"
)

// TestCalendarStore: put, conditions, UID conflicts, the change log with
// tombstones, and a deleted group taking its log with it.
func TestCalendarStore(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	addUsers(t, s, "a@example.test", "b@example.test")
	mustGroup(t, s, user("a@example.test"), GroupSpec{ID: str("g"), Name: str("G"), Members: []string{"b@example.test"}})
	c, err := s.Calendar(ctx, user("b@example.test"), "g", FeatureEvent)
	if err != nil {
		t.Fatal(err)
	}
	put := func(name, uid, data, ifMatch string) (*CalObject, bool, error) {
		return c.Put(ctx, CalPut{Name: name, UID: uid, Data: data, First: math.MinInt64, Last: math.MaxInt64, IfMatch: ifMatch})
	}
	o, created, err := put("x.ics", "u1", "one", "")
	if err != nil || !created {
		t.Fatalf("create: %v %v", created, err)
	}
	if _, _, err := put("y.ics", "u1", "two", ""); err == nil {
		t.Fatal("UID used twice")
	} else if _, ok := err.(*CalUIDConflict); !ok {
		t.Fatalf("UID conflict error: %v", err)
	}
	if _, _, err := put("x.ics", "u1", "three", `"stale"`); !IsPrecondition(err) {
		t.Fatalf("stale If-Match: %v", err)
	}
	if _, created, err := put("x.ics", "u1", "four", o.ETag); err != nil || created {
		t.Fatalf("replace: %v %v", created, err)
	}
	_, tok, err := c.Changes(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Delete(ctx, "x.ics", ""); err != nil {
		t.Fatal(err)
	}
	ch, _, err := c.Changes(ctx, tok)
	if err != nil || len(ch) != 1 || !ch[0].Deleted || ch[0].Name != "x.ics" {
		t.Fatalf("changes after delete: %+v %v", ch, err)
	}
	if _, _, err := c.Changes(ctx, tok+1000); err == nil {
		t.Fatal("a token from the future was accepted")
	}
	put("z.ics", "u2", "five", "")
	if err := s.DeleteGroup(ctx, user("a@example.test"), "g"); err != nil {
		t.Fatalf("delete group with calendar data: %v", err)
	}
	var n int
	s.rdb.QueryRow(`SELECT COUNT(*) FROM cal_changes`).Scan(&n)
	if n != 0 {
		t.Fatalf("%d change rows left after the group was deleted", n)
	}
}
