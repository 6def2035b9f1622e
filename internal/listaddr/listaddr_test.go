package listaddr

import "testing"

// TestVERPAddress: the local part stays within 64 characters and the
// token comes back out.
func TestVERPAddress(t *testing.T) {
	long := "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl"
	tok := VERPToken(123456789, "abc123")
	a := VERPAddress(BounceBase(long+"@lists.example.test"), tok)
	local, _, _ := cutAt(a)
	if len(local) > 64 {
		t.Fatalf("%s: local part %d", a, len(local))
	}
	rid, salt, ok := ParseVERPToken(tok)
	if !ok || rid != 123456789 || salt != "abc123" {
		t.Fatalf("parse %q: %d %q %v", tok, rid, salt, ok)
	}
	if got := VERPAddress("team-bounces@l.example", tok); got != "team-bounces+"+tok+"@l.example" {
		t.Fatalf("short list: %s", got)
	}
}

func cutAt(a string) (string, string, bool) {
	for i := len(a) - 1; i >= 0; i-- {
		if a[i] == '@' {
			return a[:i], a[i+1:], true
		}
	}
	return a, "", false
}

// TestUnsubscribeAddress: the local part stays within 64 characters and
// Token reads the unsubscribe token back out of it.
func TestUnsubscribeAddress(t *testing.T) {
	tok := "3kabcdefghijklmnopqrst"
	if got := UnsubscribeAddress("team@l.example", tok); got != "team-unsubscribe+"+tok+"@l.example" {
		t.Fatalf("short list: %s", got)
	}
	long := "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl"
	a := UnsubscribeAddress(long+"@lists.example.test", tok)
	local, _, _ := cutAt(a)
	if len(local) > 64 {
		t.Fatalf("%s: local part %d", a, len(local))
	}
	kind, got, ok := Token(local)
	if !ok || kind != KindUnsubscribe || got != tok {
		t.Fatalf("Token(%q) = %q %q %v", local, kind, got, ok)
	}
	if kind, got, _ := Token("team-request+abc"); kind != KindRequest || got != "abc" {
		t.Fatalf("request token: %q %q", kind, got)
	}
}
