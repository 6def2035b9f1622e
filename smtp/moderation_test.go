package smtp

import (
	"context"
	"net/netip"
	"strings"
	"testing"
	"time"

	"groupd/groups"
)

// TestHeldThenApprovedByReply: an outsider's post to an "outsiders" list
// is taken (250) and held; the master gets one notice with the post
// attached and the request address as Reply-To; the master's reply
// "approve" from the trusted network delivers the post to every member
// once.
func TestHeldThenApprovedByReply(t *testing.T) {
	w := newWorld(t, &groups.ListSpec{Moderation: ptr(groups.ModerateOutsiders)}, nil)
	w.startQueue(t, nil)
	if err := send(t, w.addr, carol, []string{teamList}, post(carol, "from outside", "please post")); err != nil {
		t.Fatal(err)
	}
	got := w.relay.waitRcpts(t, 1)
	if len(got[alice]) != 1 {
		t.Fatalf("notices %v", keys(got))
	}
	n := got[alice][0]
	reply := strings.Trim(header(n, "Reply-To"), "<>")
	if !strings.HasPrefix(reply, "team-request+") || !strings.Contains(string(n), "message/rfc822") ||
		!strings.Contains(string(n), "please post") {
		t.Fatalf("notice:\n%s", n)
	}
	w.relay.quiet(t, 100*time.Millisecond, 1)
	answer := "From: " + alice + "\r\nTo: " + reply + "\r\nSubject: Re: held\r\n\r\nApprove\r\n\r\n> quoted notice\r\n"
	if err := send(t, w.addr, alice, []string{reply}, answer); err != nil {
		t.Fatal(err)
	}
	got = w.relay.waitRcpts(t, 4)
	for _, rc := range []string{alice, bob, partner} {
		var posts int
		for _, d := range got[rc] {
			if header(d, "Subject") == "from outside" {
				posts++
			}
		}
		if posts != 1 {
			t.Fatalf("%s got %d copies of the post", rc, posts)
		}
	}
	// The post is decided: the request address is gone.
	wantCode(t, send(t, w.addr, alice, []string{reply}, answer), 550, "5.1.1")
}

// TestForgedReplyIgnored: the same reply from outside the trusted
// networks without DKIM is taken and ignored; the post stays held.
func TestForgedReplyIgnored(t *testing.T) {
	untrusted := func(o *Options) { o.TrustedNetworks = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")} }
	w := newWorld(t, &groups.ListSpec{Moderation: ptr(groups.ModerateAll)}, untrusted)
	p := &groups.Post{List: teamList, Sender: partner, Data: []byte("Subject: x\r\n\r\nx\r\n"), Subject: "x"}
	if err := w.st.AcceptPosts(context.Background(), []*groups.Post{p}); err != nil || p.Held == 0 {
		t.Fatal(err, p.Err)
	}
	w.startQueue(t, nil)
	addr := strings.Trim(header(w.relay.waitRcpts(t, 1)[alice][0], "Reply-To"), "<>")
	forged := "From: " + alice + "\r\nTo: " + addr + "\r\nSubject: Re\r\n\r\napprove\r\n"
	if err := send(t, w.addr, alice, []string{addr}, forged); err != nil {
		t.Fatal(err)
	}
	held, err := w.st.ListHeld(context.Background(), groups.AdminActor(), "team")
	if err != nil || len(held) != 1 {
		t.Fatalf("held %+v %v", held, err)
	}
}

func TestParseDecision(t *testing.T) {
	for _, c := range []struct{ text, action, reason string }{
		{"approve\n> quoted", "approve", ""},
		{"\n\n  Approve.\n", "approve", ""},
		{"reject\tnot for this list\nthanks", "reject", "not for this list"},
		{"REJECT", "reject", ""},
		{"I approve", "", ""},
		{"", "", ""},
	} {
		if a, r := parseDecision(c.text); a != c.action || r != c.reason {
			t.Errorf("%q: %q %q, want %q %q", c.text, a, r, c.action, c.reason)
		}
	}
}

// TestHeldWhateverFromSays: on an "outsiders" list, an outsider cannot
// get past the hold by naming a member in From: the envelope sender's
// hold holds the post, and so does a second author's.
func TestHeldWhateverFromSays(t *testing.T) {
	w := newWorld(t, &groups.ListSpec{Moderation: ptr(groups.ModerateOutsiders)}, nil)
	if err := send(t, w.addr, stranger, []string{teamList}, post(bob, "envelope outsider", "x")); err != nil {
		t.Fatal(err)
	}
	if err := send(t, w.addr, bob, []string{teamList}, post(bob+", "+stranger, "two authors", "x")); err != nil {
		t.Fatal(err)
	}
	held, err := w.st.ListHeld(context.Background(), groups.AdminActor(), "team")
	if err != nil || len(held) != 2 {
		t.Fatalf("held %+v %v", held, err)
	}
}

// TestModerateAllMasterAsList: moderation "all" holds every post,
// including the masters' own unless they send as the list (issue 13):
// alice, a master in senders_as, posts through submission From: the
// list address and it goes out; her post From: her own address is held.
func TestModerateAllMasterAsList(t *testing.T) {
	w := newWorld(t, &groups.ListSpec{Moderation: ptr(groups.ModerateAll), SendersAs: &[]string{alice}}, nil)
	w.startQueue(t, nil)
	ca := newTestCA(t)
	addr, _ := startSubmission(t, w, ca, nil)
	c := subDial(t, addr, ca, alice)
	if err := submit(c, alice, []string{teamList}, mailFrom(teamList, []string{teamList}, "as the list")); err != nil {
		t.Fatalf("post as the list: %v", err)
	}
	if err := submit(c, alice, []string{teamList}, mailFrom(alice, []string{teamList}, "as alice")); err != nil {
		t.Fatalf("post as alice: %v", err)
	}
	// The masters' notice of the held post reaches the relay too: wait
	// for bob's copy itself.
	var got [][]byte
	for deadline := time.Now().Add(10 * time.Second); len(got) == 0 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
		got = w.relay.received()[bob]
	}
	if len(got) != 1 || header(got[0], "Subject") != "as the list" {
		t.Fatalf("bob got %d copies %q, want the post sent as the list", len(got), got)
	}
	held, err := w.st.ListHeld(context.Background(), groups.AdminActor(), "team")
	if err != nil || len(held) != 1 || held[0].Subject != "as alice" {
		t.Fatalf("held %+v %v, want alice's own post alone", held, err)
	}
}
