package smtp

import (
	"context"
	"strings"
	"testing"

	"groupd/groups"
)

// TestBounceNamingNoRecipient: a DSN whose recipient block names no
// recipient (no Final-Recipient, no Original-Recipient) came back to the
// VERP address of a transaction. When that transaction carried several
// recipients, nobody can be blamed and nothing is counted; when it
// carried one, that one is. Since each external address's copy carries
// its own unsubscribe link (issue 13), every external address of a post
// goes in a transaction of its own, even beside another of its domain,
// so its VERP address names it alone.
func TestBounceNamingNoRecipient(t *testing.T) {
	ext := []string{"p1@same.example", "p2@same.example", "solo@alone.example"}
	w := newWorld(t, &groups.ListSpec{ExternalMembers: &ext}, nil)
	w.startQueue(t, nil)
	ctx := context.Background()
	if err := send(t, w.addr, bob, []string{teamList}, post(bob, "hello", "x")); err != nil {
		t.Fatal(err)
	}
	w.relay.waitRcpts(t, 5)
	w.waitDelivered(t)
	unnamed := strings.Replace(dsn("x@x", "5.1.1"),
		"Final-Recipient: rfc822; x@x\r\nOriginal-Recipient: rfc822;x@x\r\n", "", 1)
	if strings.Contains(unnamed, "Recipient") {
		t.Fatal("the test DSN still names a recipient")
	}
	for _, to := range []string{"p1@same.example", "solo@alone.example"} {
		if err := send(t, w.addr, "", []string{verpOf(t, w, to)}, unnamed); err != nil {
			t.Fatalf("DSN refused: %v", err)
		}
	}
	for _, c := range []struct {
		rcpt string
		want int
	}{{"p1@same.example", 1}, {"p2@same.example", 0}, {"solo@alone.example", 1}} {
		if hard, _, err := w.st.BounceState(ctx, "team", c.rcpt); err != nil || hard != c.want {
			t.Errorf("%s: %d hard bounces (%v), want %d", c.rcpt, hard, err, c.want)
		}
	}
}
