package smtp

import (
	"strings"
	"testing"
	"time"
)

// TestOwnerForwardsToMasters: -owner mail reaches the masters only, as
// sent, from anyone.
func TestOwnerForwardsToMasters(t *testing.T) {
	w := newWorld(t, nil, nil)
	w.startQueue(t, nil)
	if err := send(t, w.addr, stranger, []string{"team-owner@" + listDomain}, post(stranger, "question for the owners", "hi")); err != nil {
		t.Fatal(err)
	}
	got := w.relay.waitRcpts(t, 1)
	w.relay.quiet(t, 100*time.Millisecond, 1)
	if len(got[alice]) != 1 || header(got[alice][0], "Subject") != "question for the owners" {
		t.Fatalf("masters got %v", keys(got))
	}
	if e := w.relay.envelopes()[0]; e.From != "team-bounces@"+listDomain {
		t.Fatalf("envelope sender %q", e.From)
	}
}

// TestOwnerLoopAndBounceDropped: a forward that comes back, and a bounce
// to -owner, are answered 250 and not forwarded again.
func TestOwnerLoopAndBounceDropped(t *testing.T) {
	w := newWorld(t, nil, nil)
	w.startQueue(t, nil)
	owner := "team-owner@" + listDomain
	// Both are taken (250, so the sender does not retry or bounce) and
	// dropped.
	if err := send(t, w.addr, stranger, []string{owner}, post(stranger, "again", "x", "X-Loop: "+owner)); err != nil {
		t.Fatalf("looping mail to -owner: %v, want 250", err)
	}
	if err := send(t, w.addr, "", []string{owner}, post("mailer-daemon@other.example", "bounce", "x")); err != nil {
		t.Fatalf("bounce to -owner: %v, want 250", err)
	}
	w.relay.quiet(t, 300*time.Millisecond, 0)
}

// TestJoinRequest: -join mail sends the masters a request naming the
// requester, quoting their subject and words, with them as Reply-To; and
// the requester an acknowledgement.
func TestJoinRequest(t *testing.T) {
	w := newWorld(t, nil, nil)
	w.startQueue(t, nil)
	from := `"Eve Example" <` + stranger + `>`
	if err := send(t, w.addr, stranger, []string{"team-join@" + listDomain}, post(from, "please", "let me in")); err != nil {
		t.Fatal(err)
	}
	got := w.relay.waitRcpts(t, 2)
	w.relay.quiet(t, 100*time.Millisecond, 2)
	req := string(got[alice][0])
	for _, want := range []string{"Eve Example", stranger, "asks to join", "Team", "Subject: please", "> let me in"} {
		if !strings.Contains(req, want) {
			t.Fatalf("request lacks %q:\n%s", want, req)
		}
	}
	if rt := header(got[alice][0], "Reply-To"); rt != `"Eve Example" <`+stranger+`>` {
		t.Fatalf("Reply-To %q: a master's answer must go to the requester", rt)
	}
	if len(got[bob]) != 0 {
		t.Fatal("a member who is not a master got the join request")
	}
	if ack := string(got[stranger][0]); !strings.Contains(ack, "Your request was sent to the masters of") {
		t.Fatalf("acknowledgement:\n%s", ack)
	}
}

// TestJoinFromRobotDropped: an automatic message to -join is answered 250
// and gets no request and no acknowledgement (no mail loops with
// autoresponders).
func TestJoinFromRobotDropped(t *testing.T) {
	w := newWorld(t, nil, nil)
	w.startQueue(t, nil)
	if err := send(t, w.addr, stranger, []string{"team-join@" + listDomain}, post(stranger, "auto", "x", "Auto-Submitted: auto-replied")); err != nil {
		t.Fatalf("auto-replied mail to -join: %v, want 250 (taken and dropped)", err)
	}
	w.relay.quiet(t, 300*time.Millisecond, 0)
}
