package smtp

import (
	"strings"
	"testing"
	"time"
)

// twoFroms is a message from the first author that names a second one
// in another From field (issue 16 item 8).
func twoFroms(first, second, to string) string {
	return "From: " + first + "\r\nFrom: " + second + "\r\nTo: " + to + "\r\nSubject: two authors\r\n\r\nhello\r\n"
}

// TestSubmissionRefusesTwoFroms: a second From field, naming someone the
// user may not send as, is refused at DATA with 550 5.6.0 and a sentence
// naming RFC 5322 §3.6, to outside recipients and to a list alike; the
// relay gets nothing.
func TestSubmissionRefusesTwoFroms(t *testing.T) {
	w := sendersAsWorld(t)
	ca := newTestCA(t)
	addr, _ := startSubmission(t, w, ca, nil)
	for _, to := range []string{stranger, teamList} {
		c := subDial(t, addr, ca, bob)
		se := wantCode(t, submit(c, bob, []string{to}, twoFroms(bob, alice, to)), 550, "5.6.0")
		if !strings.Contains(se.Message, "From") || !strings.Contains(se.Message, "RFC 5322 §3.6") {
			t.Errorf("refusal %q does not say why", se.Message)
		}
	}
	w.relay.quiet(t, 200*time.Millisecond, 0)
}

// TestSubmissionChecksSender: Sender is checked like From. bob may not
// name alice (550 5.7.1), nor the list he is not in senders_as of; his
// own address passes, and so does the list for alice, who is in it.
func TestSubmissionChecksSender(t *testing.T) {
	w := sendersAsWorld(t)
	ca := newTestCA(t)
	addr, _ := startSubmission(t, w, ca, nil)
	withSender := func(from, sender string) string {
		return "From: " + from + "\r\nSender: " + sender + "\r\nTo: " + stranger + "\r\nSubject: s\r\n\r\nhi\r\n"
	}
	for _, sender := range []string{alice, teamList} {
		c := subDial(t, addr, ca, bob)
		wantCode(t, submit(c, bob, []string{stranger}, withSender(bob, sender)), 550, "5.7.1")
	}
	c := subDial(t, addr, ca, bob)
	wantCode(t, submit(c, bob, []string{stranger}, withSender(bob, "not an address")), 550, "5.6.0")
	c = subDial(t, addr, ca, bob)
	two := "From: " + bob + "\r\nSender: " + bob + "\r\nSender: " + alice + "\r\nTo: " + stranger + "\r\n\r\nhi\r\n"
	wantCode(t, submit(c, bob, []string{stranger}, two), 550, "5.6.0")
	w.relay.quiet(t, 100*time.Millisecond, 0)
	c = subDial(t, addr, ca, bob)
	if err := submit(c, bob, []string{stranger}, withSender(bob, bob)); err != nil {
		t.Fatalf("own Sender refused: %v", err)
	}
	c = subDial(t, addr, ca, alice)
	if err := submit(c, alice, []string{stranger}, withSender(teamList, teamList)); err != nil {
		t.Fatalf("Sender: the list, by a senders_as member, refused: %v", err)
	}
	w.relay.waitRcpts(t, 2)
}

// TestInboundRefusesTwoFroms: an inbound post whose second From names
// someone else is refused too (550 5.6.0), and nothing is fanned out.
func TestInboundRefusesTwoFroms(t *testing.T) {
	w := newWorld(t, nil, nil)
	w.startQueue(t, nil)
	err := send(t, w.addr, partner, []string{teamList}, twoFroms(partner, alice, teamList))
	wantCode(t, err, 550, "5.6.0")
	w.relay.quiet(t, 200*time.Millisecond, 0)
}
