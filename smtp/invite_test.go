package smtp

import (
	"context"
	"encoding/base64"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"groupd/groups"
)

// imipMessage is an iMIP invitation as calendar clients send one (RFC
// 6047 §2.4, §4.1): multipart/alternative with a text part and the
// calendar, base64, with the method parameter and METHOD property.
func imipMessage(from, method, uid string, seq int, summary string, extra ...string) string {
	ev := []string{"BEGIN:VEVENT", "UID:" + uid, "SEQUENCE:" + strconv.Itoa(seq),
		"DTSTAMP:20260101T09000" + strconv.Itoa(seq%10) + "Z", "DTSTART:20260310T100000Z",
		"DTEND:20260310T110000Z", "SUMMARY:" + summary}
	ev = append(append(ev, extra...), "END:VEVENT")
	cal := strings.Join(append(append([]string{"BEGIN:VCALENDAR", "VERSION:2.0",
		"PRODID:-//Test//iMIP//EN", "METHOD:" + method}, ev...), "END:VCALENDAR"), "\r\n") + "\r\n"
	b64 := base64.StdEncoding.EncodeToString([]byte(cal))
	var lines []string
	for len(b64) > 76 { // RFC 2045 §6.8
		lines, b64 = append(lines, b64[:76]), b64[76:]
	}
	b64 = strings.Join(append(lines, b64), "\r\n")
	return "From: " + from + "\r\nTo: " + teamList + "\r\nSubject: Invitation: " + summary +
		"\r\nMessage-ID: <" + uid + "." + method + strconv.Itoa(seq) + "@client.example>\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/alternative; boundary=\"b1\"\r\n\r\n" +
		"--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nYou are invited: " + summary + "\r\n" +
		"--b1\r\nContent-Type: text/calendar; charset=utf-8; method=" + method +
		"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + b64 + "\r\n--b1--\r\n"
}

// teamEvent reads the team's event with uid through the store, as alice
// (a member): "" when there is none.
func teamEvent(t *testing.T, st *groups.Store, uid string) string {
	t.Helper()
	ctx := context.Background()
	cal, err := st.Calendar(ctx, groups.Actor{Email: alice}, "team", groups.FeatureEvent)
	if err != nil {
		t.Fatal(err)
	}
	name, err := cal.NameOfUID(ctx, uid)
	if err != nil || name == "" {
		return ""
	}
	o, err := cal.Get(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	return o.Data
}

// TestInviteLandsInCalendar: a member's iMIP REQUEST is fanned out and
// stored in the team's events with the sender as ORGANIZER and without
// METHOD; a later SEQUENCE updates it, an older one does not, and a
// CANCEL removes it (RFC 5546 §2.1.5, §3.2.2, §3.2.5).
func TestInviteLandsInCalendar(t *testing.T) {
	w := newWorld(t, nil, nil)
	w.startQueue(t, nil)
	const uid = "meet-1@client.example"
	if err := send(t, w.addr, bob, []string{teamList}, imipMessage(bob, "REQUEST", uid, 0, "Planning")); err != nil {
		t.Fatal(err)
	}
	w.relay.waitRcpts(t, 3) // fanned out as any post
	got := teamEvent(t, w.st, uid)
	for _, want := range []string{"SUMMARY:Planning", "ORGANIZER:mailto:" + bob} {
		if !strings.Contains(got, want) {
			t.Fatalf("stored event lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "METHOD") {
		t.Fatalf("stored object keeps METHOD (RFC 4791 §4.1):\n%s", got)
	}
	steps := []struct {
		method string
		seq    int
		want   string
	}{
		{"REQUEST", 2, "SUMMARY:Moved"},
		{"REQUEST", 1, "SUMMARY:Moved"}, // older: ignored
		{"CANCEL", 1, "SUMMARY:Moved"},  // older cancel: ignored
		{"CANCEL", 2, ""},
	}
	for _, s := range steps {
		summary := map[int]string{1: "Stale", 2: "Moved"}[s.seq]
		if err := send(t, w.addr, bob, []string{teamList}, imipMessage(bob, s.method, uid, s.seq, summary)); err != nil {
			t.Fatal(err)
		}
		got := teamEvent(t, w.st, uid)
		if (s.want == "") != (got == "") || !strings.Contains(got, s.want) {
			t.Fatalf("after %s SEQUENCE %d: stored %q, want %q", s.method, s.seq, got, s.want)
		}
	}
}

// TestInviteKeepsOrganizer: an ORGANIZER the invitation names is kept.
func TestInviteKeepsOrganizer(t *testing.T) {
	w := newWorld(t, nil, nil)
	msg := imipMessage(bob, "REQUEST", "meet-2@client.example", 0, "Review", "ORGANIZER;CN=Alice:mailto:"+alice)
	if err := send(t, w.addr, bob, []string{teamList}, msg); err != nil {
		t.Fatal(err)
	}
	got := teamEvent(t, w.st, "meet-2@client.example")
	if !strings.Contains(got, "mailto:"+alice) || strings.Contains(got, "mailto:"+bob) {
		t.Fatalf("organizer not kept:\n%s", got)
	}
}

// TestInviteOnlyFromPosters: a sender the list refuses stores nothing.
func TestInviteOnlyFromPosters(t *testing.T) {
	w := newWorld(t, nil, nil)
	err := send(t, w.addr, carol, []string{teamList}, imipMessage(carol, "REQUEST", "meet-3@client.example", 0, "Intrusion"))
	wantCode(t, err, 550, "5.7.1")
	if got := teamEvent(t, w.st, "meet-3@client.example"); got != "" {
		t.Fatalf("a refused sender's invitation was stored:\n%s", got)
	}
}

// TestInviteBadCalendarStillPosted: a calendar part that does not parse,
// or is over the size bound, never refuses the post; nothing is stored.
func TestInviteBadCalendarStillPosted(t *testing.T) {
	w := newWorld(t, nil, func(o *Options) { o.MaxInviteBytes = 2000 })
	w.startQueue(t, nil)
	bad := post(bob, "broken invite", "--b\r\nContent-Type: text/calendar; method=REQUEST\r\n\r\nBEGIN:VCALENDAR\r\nnot ical\r\n--b--",
		"MIME-Version: 1.0", `Content-Type: multipart/mixed; boundary="b"`)
	if err := send(t, w.addr, bob, []string{teamList}, bad); err != nil {
		t.Fatalf("a broken calendar refused the post: %v", err)
	}
	big := imipMessage(bob, "REQUEST", "meet-4@client.example", 0, "Big", "DESCRIPTION:"+strings.Repeat("x", 70)+
		strings.Repeat("\r\n "+strings.Repeat("x", 70), 40))
	if err := send(t, w.addr, bob, []string{teamList}, big); err != nil {
		t.Fatalf("an oversized calendar refused the post: %v", err)
	}
	w.relay.waitRcpts(t, 6) // both fanned out to three recipients
	if got := teamEvent(t, w.st, "meet-4@client.example"); got != "" {
		t.Fatalf("an oversized calendar was stored (%d bytes)", len(got))
	}
	w.relay.quiet(t, 100*time.Millisecond, 6)
}

// TestInviteNameTaken: a client already chose the name UID.ics for another
// event; the invitation is stored under a name of its own.
func TestInviteNameTaken(t *testing.T) {
	w := newWorld(t, nil, nil)
	ctx := context.Background()
	const uid = "meet-5@client.example"
	cal, err := w.st.Calendar(ctx, groups.Actor{Email: alice}, "team", groups.FeatureEvent)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := cal.Put(ctx, groups.CalPut{Name: uid + ".ics", UID: "other", Data: "x", First: math.MinInt64, Last: math.MaxInt64}); err != nil {
		t.Fatal(err)
	}
	if err := send(t, w.addr, bob, []string{teamList}, imipMessage(bob, "REQUEST", uid, 0, "Clash")); err != nil {
		t.Fatal(err)
	}
	if got := teamEvent(t, w.st, uid); !strings.Contains(got, "SUMMARY:Clash") {
		t.Fatalf("not stored beside the object of that name: %q", got)
	}
}
