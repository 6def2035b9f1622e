package smtp

import (
	"context"
	"strings"
	"testing"
	"time"
)

// dsn is an RFC 3464 delivery status notification for rcpt.
func dsn(rcpt, status string) string {
	return "From: Mail Delivery System <mailer-daemon@other.example>\r\n" +
		"Subject: Undelivered Mail Returned to Sender\r\n" +
		"Auto-Submitted: auto-replied\r\n" +
		"MIME-Version: 1.0\r\n" +
		"Content-Type: multipart/report; report-type=delivery-status; boundary=\"BB\"\r\n\r\n" +
		"--BB\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n" +
		"--BB\r\nContent-Type: message/delivery-status\r\n\r\n" +
		"Reporting-MTA: dns; mx.other.example\r\n\r\n" +
		"Final-Recipient: rfc822; " + rcpt + "\r\nOriginal-Recipient: rfc822;" + rcpt + "\r\n" +
		"Action: failed\r\nStatus: " + status + "\r\nDiagnostic-Code: smtp; 550 " + status + " no\r\n\r\n" +
		"--BB\r\nContent-Type: text/rfc822-headers\r\n\r\nSubject: x\r\n\r\n--BB--\r\n"
}

// verpOf is the envelope sender of the transaction that carried rcpt.
func verpOf(t *testing.T, w *world, rcpt string) string {
	t.Helper()
	for _, e := range w.relay.envelopes() {
		for _, r := range e.Rcpts {
			if r == rcpt {
				return e.From
			}
		}
	}
	t.Fatalf("no transaction for %s", rcpt)
	return ""
}

// TestBouncesDisableExternalMember: hard bounces (RFC 3464 DSNs to the
// VERP address) are counted; at the limit the external member gets no
// more mail and the masters are told. A 5.7.x rejection does not count.
func TestBouncesDisableExternalMember(t *testing.T) {
	w := newWorld(t, nil, func(o *Options) { o.BounceLimit = 3 })
	w.startQueue(t, nil)
	ctx := context.Background()
	total := 0
	for i := 0; i < 4; i++ {
		send(t, w.addr, bob, []string{teamList}, post(bob, "post "+string(rune('a'+i)), "x"))
		total += 3
		w.relay.waitRcpts(t, total)
		w.waitDelivered(t)
		status := "5.1.1"
		if i == 0 {
			status = "5.7.1" // policy: not a bounce
		}
		if err := send(t, w.addr, "", []string{lastVerpOf(t, w, partner)}, dsn(partner, status)); err != nil {
			t.Fatalf("DSN refused: %v", err)
		}
		if i == 0 {
			if hard, _, _ := w.st.BounceState(ctx, "team", partner); hard != 0 {
				t.Fatalf("a 5.7.1 rejection counted as a bounce (%d)", hard)
			}
		}
	}
	hard, disabled, _ := w.st.BounceState(ctx, "team", partner)
	if hard != 3 || !disabled {
		t.Fatalf("hard %d disabled %v, want 3 true", hard, disabled)
	}
	got := w.relay.waitRcpts(t, total+1)
	told := false
	for _, m := range got[alice] {
		told = told || strings.Contains(string(m), "disabled after bounces")
	}
	if !told {
		t.Fatal("the masters were not told")
	}
	send(t, w.addr, bob, []string{teamList}, post(bob, "after", "x"))
	got = w.relay.waitRcpts(t, total+3)
	w.relay.quiet(t, 100*time.Millisecond, total+3)
	for _, e := range w.relay.envelopes()[len(w.relay.envelopes())-2:] {
		for _, r := range e.Rcpts {
			if r == partner {
				t.Fatal("a disabled external member still gets mail")
			}
		}
	}
}

// TestBounceForgedToken: a bounce address with a wrong salt is unknown.
func TestBounceForgedToken(t *testing.T) {
	w := newWorld(t, nil, nil)
	w.startQueue(t, nil)
	send(t, w.addr, bob, []string{teamList}, post(bob, "p", "x"))
	w.relay.waitRcpts(t, 3)
	w.waitDelivered(t)
	v := verpOf(t, w, partner)
	local, dom, _ := strings.Cut(v, "@")
	last := "a"
	if strings.HasSuffix(local, "a") {
		last = "b"
	}
	forged := local[:len(local)-1] + last + "@" + dom
	wantCode(t, send(t, w.addr, "", []string{forged}, dsn(partner, "5.1.1")), 550, "5.1.1")
	wantCode(t, send(t, w.addr, "", []string{local + "zz@" + dom}, dsn(partner, "5.1.1")), 550, "5.1.1")
}
