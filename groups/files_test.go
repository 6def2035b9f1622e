package groups

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestCheckFilePath(t *testing.T) {
	t.Parallel()
	for _, p := range []string{"", "a", "a/b", "ünï/ça va.txt", strings.Repeat("x", MaxFileNameBytes), "._x", ".DS_Store"} {
		if err := CheckFilePath(p); err != nil {
			t.Errorf("%q refused: %v", p, err)
		}
	}
	for _, p := range []string{"/a", "a/", "a//b", ".", "..", "a/../b", "a/./b", "a\x00b", "a\nb", "\xff",
		strings.Repeat("x", MaxFileNameBytes+1), strings.Repeat("abcdefgh/", 600)} {
		if err := CheckFilePath(p); err == nil {
			t.Errorf("%q accepted", p)
		}
	}
}

func TestLockConflicts(t *testing.T) {
	t.Parallel()
	ex := func(p string, inf bool) *Lock { return &Lock{Path: p, Infinite: inf} }
	sh := func(p string, inf bool) *Lock { return &Lock{Path: p, Infinite: inf, Shared: true} }
	for _, c := range []struct {
		a, b *Lock
		want bool
	}{
		{ex("a", false), ex("a", false), true},
		{sh("a", false), sh("a", false), false},
		{sh("a", true), ex("a/b", false), true},
		{ex("a", false), ex("a/b", false), false},
		{ex("", true), ex("x/y", false), true},
		{ex("a", true), ex("ab", false), false},
	} {
		if got := c.a.conflicts(c.b); got != c.want {
			t.Errorf("%+v vs %+v: %v", c.a, c.b, got)
		}
	}
}

// Locks of a removed member stop counting at once.
func TestFolderLocksOfRemovedMember(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	ctx := context.Background()
	addUsers(t, s, "alice@example.test", "bob@example.test")
	mustGroup(t, s, user("alice@example.test"), GroupSpec{ID: str("team"), Name: str("Team"), Members: []string{"bob@example.test"}})
	bob, err := s.OpenFolder(ctx, user("bob@example.test"), "team", 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := bob.CreateLock(ctx, Lock{Path: "doc", Infinite: true, Timeout: time.Hour}); err != nil {
		t.Fatal(err)
	}
	alice, _ := s.OpenFolder(ctx, user("alice@example.test"), "team", 1<<20)
	if l, _ := alice.Locks(ctx); len(l) != 1 {
		t.Fatalf("locks: %v", l)
	}
	if err := s.RemoveMember(ctx, user("alice@example.test"), "team", "bob@example.test"); err != nil {
		t.Fatal(err)
	}
	if l, _ := alice.Locks(ctx); len(l) != 0 {
		t.Fatalf("a removed member's lock still counts: %v", l)
	}
	if _, err := s.OpenFolder(ctx, user("bob@example.test"), "team", 1<<20); err == nil {
		t.Fatal("a removed member opened the folder")
	}
}
