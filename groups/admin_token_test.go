package groups

import (
	"context"
	"testing"
)

// TestSharedAdminToken: on PostgreSQL the first node's token is the one
// every node gets; on SQLite each data_dir keeps its own.
func TestSharedAdminToken(t *testing.T) {
	a, b := twoStores(t)
	ctx := context.Background()
	first, err := a.SharedAdminToken(ctx, "token-of-a")
	if err != nil || first != "token-of-a" {
		t.Fatalf("first node: %q %v", first, err)
	}
	got, err := b.SharedAdminToken(ctx, "token-of-b")
	want := "token-of-a"
	if !a.d.pg {
		want = "token-of-b"
	}
	if err != nil || got != want {
		t.Fatalf("second node got %q (%v), want %q", got, err, want)
	}
	if again, _ := a.SharedAdminToken(ctx, "token-of-a"); again != "token-of-a" {
		t.Fatalf("first node again: %q", again)
	}
}
