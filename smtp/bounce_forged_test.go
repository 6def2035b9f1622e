package smtp

import (
	"context"
	"slices"
	"testing"
	"time"

	"groupd/groups"
)

// TestForgedBouncesCountOnlyCarried (issue 16 item 7): with the VERP
// token of partner's own copy, forged DSNs naming another external member
// count for nothing, whether that member is in another domain or in the
// same domain but went out in another transaction; DSNs naming partner
// count once per post however many come.
func TestForgedBouncesCountOnlyCarried(t *testing.T) {
	const far, near = "victim@partner.example", "victim@other.example" // near: partner's domain
	ext := []string{partner, far, near}
	w := newWorld(t, &groups.ListSpec{ExternalMembers: &ext}, func(o *Options) { o.BounceLimit = 3 })
	w.startQueue(t, func(o *QueueOptions) { o.BatchSize = 1 }) // one transaction per recipient
	ctx := context.Background()
	if err := send(t, w.addr, bob, []string{teamList}, post(bob, "hello", "x")); err != nil {
		t.Fatal(err)
	}
	w.relay.waitRcpts(t, 5)
	w.waitDelivered(t)
	token := verpOf(t, w, partner)
	for i := 0; i < 6; i++ {
		for _, victim := range []string{far, near, partner} {
			if err := send(t, w.addr, "", []string{token}, dsn(victim, "5.1.1")); err != nil {
				t.Fatalf("DSN refused: %v", err)
			}
		}
	}
	for _, c := range []struct {
		rcpt string
		want int
	}{{far, 0}, {near, 0}, {partner, 1}} {
		hard, disabled, err := w.st.BounceState(ctx, "team", c.rcpt)
		if err != nil || hard != c.want || disabled {
			t.Errorf("%s: %d hard bounces, disabled %v (%v); want %d, not disabled", c.rcpt, hard, disabled, err, c.want)
		}
	}
}

// TestBounceForBatchedRecipient: a DSN to the token of a transaction
// counts only for a recipient that transaction carried. Two external
// addresses of one domain go in a transaction each (each copy carries its
// own unsubscribe link, issue 13), so a DSN naming one of them that comes
// to the other's token counts for nobody.
func TestBounceForBatchedRecipient(t *testing.T) {
	const near = "second@other.example"
	ext := []string{partner, near}
	w := newWorld(t, &groups.ListSpec{ExternalMembers: &ext}, nil)
	w.startQueue(t, nil)
	if err := send(t, w.addr, bob, []string{teamList}, post(bob, "hello", "x")); err != nil {
		t.Fatal(err)
	}
	w.relay.waitRcpts(t, 4)
	w.waitDelivered(t)
	if a, b := verpOf(t, w, partner), verpOf(t, w, near); a == b {
		t.Fatalf("two external addresses shared a transaction (%s)", a)
	}
	if err := send(t, w.addr, "", []string{verpOf(t, w, partner)}, dsn(near, "5.1.1")); err != nil {
		t.Fatal(err)
	}
	if hard, _, err := w.st.BounceState(context.Background(), "team", near); err != nil || hard != 0 {
		t.Fatalf("%s: %d hard bounces (%v) from another's transaction, want 0", near, hard, err)
	}
	if err := send(t, w.addr, "", []string{verpOf(t, w, near)}, dsn(near, "5.1.1")); err != nil {
		t.Fatal(err)
	}
	if hard, _, err := w.st.BounceState(context.Background(), "team", near); err != nil || hard != 1 {
		t.Fatalf("%s: %d hard bounces (%v), want 1", near, hard, err)
	}
}

// waitDelivered waits until the queue has recorded every recipient's
// outcome: a bounce counts only for rows the relay is known to have taken.
func (w *world) waitDelivered(t testing.TB) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		st, err := w.st.OutboundStats(context.Background())
		if err == nil && st.Recipients == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("queue still holds %d recipients (%v)", st.Recipients, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// lastVerpOf is the envelope sender of the newest transaction that
// carried rcpt.
func lastVerpOf(t *testing.T, w *world, rcpt string) string {
	t.Helper()
	envs := w.relay.envelopes()
	for i := len(envs) - 1; i >= 0; i-- {
		if slices.Contains(envs[i].Rcpts, rcpt) {
			return envs[i].From
		}
	}
	t.Fatalf("no transaction for %s", rcpt)
	return ""
}
