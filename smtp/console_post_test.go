package smtp

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"groupd/groups"
)

// consolePoster is a Submission that is never served, as the daemon
// builds it for the web console.
func consolePoster(t *testing.T, w *world) *Submission {
	t.Helper()
	sub, err := NewSubmission(SubmissionOptions{Options: Options{Store: w.st, Hostname: listDomain}})
	if err != nil {
		t.Fatal(err)
	}
	return sub
}

// consoleMessage is a post as the console composes it.
func consoleMessage(from, subject string) []byte {
	return []byte("From: \"Bob\" <" + from + ">\r\nTo: <" + teamList + ">\r\nSubject: " + subject +
		"\r\nDate: Mon, 02 Jan 2006 15:04:05 +0000\r\nMessage-ID: <c0ffee.web@" + listDomain + ">\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n" +
		"\r\nHello from the browser.\r\n")
}

// archived returns team's archived messages, as alice reads them.
func archived(t *testing.T, st *groups.Store) []groups.ImapMessage {
	t.Helper()
	ms, err := st.ImapMessages(context.Background(), groups.Actor{Email: alice}, "team", groups.ImapQuery{Data: groups.ImapFullData})
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

// TestConsolePostFansOut: a member's post from the console goes through
// the list as their submitted mail does: every member and external
// member gets the list copy once, and it is in the archive.
func TestConsolePostFansOut(t *testing.T) {
	w := newWorld(t, &groups.ListSpec{BlockExternal: ptr(true)}, nil)
	w.startQueue(t, nil)
	sub := consolePoster(t, w)
	u := &groups.User{Email: bob, Name: "Bob"}
	if held, err := sub.PostFromConsole(context.Background(), u, "192.0.2.7", teamList, consoleMessage(bob, "From the web")); err != nil || held {
		t.Fatalf("post: held %v, %v", held, err)
	}
	got := w.relay.waitRcpts(t, 3)
	for _, r := range []string{alice, bob, partner} {
		if len(got[r]) != 1 || header(got[r][0], "List-Id") == "" || header(got[r][0], "Subject") != "From the web" {
			t.Errorf("%s got %q", r, got[r])
		}
	}
	if rcv := header(got[alice][0], "Received"); !strings.Contains(rcv, "web-console") || !strings.Contains(rcv, "192.0.2.7") {
		t.Errorf("Received: %q", rcv)
	}
	w.relay.quiet(t, 200*time.Millisecond, 3)
	ms := archived(t, w.st)
	if len(ms) != 1 || !strings.Contains(string(ms[0].Data), "Hello from the browser.") || header(ms[0].Data, "List-Id") == "" {
		t.Fatalf("archive: %d messages", len(ms))
	}
}

// TestConsolePostRefused: a list that takes posts only from listed
// senders refuses a member who is not listed, with the store's sentence
// as a groups error; nothing is queued nor archived.
func TestConsolePostRefused(t *testing.T) {
	w := newWorld(t, &groups.ListSpec{SendRestriction: ptr(groups.SendListed), Allowed: &[]string{alice}}, nil)
	w.startQueue(t, nil)
	sub := consolePoster(t, w)
	_, err := sub.PostFromConsole(context.Background(), &groups.User{Email: bob, Name: "Bob"}, "192.0.2.7", teamList,
		consoleMessage(bob, "Not listed"))
	if !errors.Is(err, groups.ErrDenied) || !strings.Contains(groups.Message(err), "accepts mail only from the senders its masters listed") {
		t.Fatalf("refusal: %v", err)
	}
	// Not a list: no relaying and no companion addresses from the console.
	_, err = sub.PostFromConsole(context.Background(), &groups.User{Email: bob}, "192.0.2.7", stranger, consoleMessage(bob, "relay?"))
	if !errors.Is(err, groups.ErrNotFound) {
		t.Errorf("post to an outside address: %v", err)
	}
	w.relay.quiet(t, 300*time.Millisecond, 0)
	if ms := archived(t, w.st); len(ms) != 0 {
		t.Errorf("refused post archived: %d", len(ms))
	}
}

// TestConsolePostHeld: on a list whose moderation holds what its send
// rule would refuse ("outsiders"), a member who is not a listed sender
// posts from the console: the post is held, not refused, and Post says
// so (the console then tells him it waits for a master); nothing reaches
// the relay nor the archive.
func TestConsolePostHeld(t *testing.T) {
	w := newWorld(t, &groups.ListSpec{SendRestriction: ptr(groups.SendListed), Allowed: &[]string{alice},
		Moderation: ptr(groups.ModerateOutsiders)}, nil)
	w.startQueue(t, nil)
	sub := consolePoster(t, w)
	held, err := sub.PostFromConsole(context.Background(), &groups.User{Email: bob, Name: "Bob"}, "192.0.2.7", teamList,
		consoleMessage(bob, "Held for the masters"))
	if err != nil || !held {
		t.Fatalf("post: held %v, %v", held, err)
	}
	w.relay.quiet(t, 300*time.Millisecond, 1) // the masters' notice only
	if ms := archived(t, w.st); len(ms) != 0 {
		t.Errorf("held post archived: %d", len(ms))
	}
}
