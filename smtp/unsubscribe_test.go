package smtp

import (
	"context"
	"slices"
	"strings"
	"testing"

	"groupd/groups"
)

const partner2 = "partner2@other.example" // a second external address, partner's domain

// unsubWorld is the test world with two external addresses of one
// domain (one relay transaction each, where they would share one),
// its queue running with publicURL.
func unsubWorld(t *testing.T, publicURL string) *world {
	t.Helper()
	w := newWorld(t, &groups.ListSpec{ExternalMembers: &[]string{partner, partner2}}, nil)
	w.startQueue(t, func(o *QueueOptions) { o.PublicURL = publicURL })
	if err := send(t, w.addr, bob, []string{teamList}, post(bob, "hello team", "first post")); err != nil {
		t.Fatal(err)
	}
	w.relay.waitRcpts(t, 4)
	return w
}

// copyOf is the one copy rcpt got, and how many recipients its
// transaction had.
func (w *world) copyOf(t *testing.T, rcpt string) ([]byte, int) {
	t.Helper()
	for _, e := range w.relay.envelopes() {
		if slices.Contains(e.Rcpts, rcpt) {
			return e.Data, len(e.Rcpts)
		}
	}
	t.Fatalf("%s got nothing", rcpt)
	return nil, 0
}

// TestUnsubscribeFields: each external address's copy goes alone and
// carries its own https link and mailto address and List-Unsubscribe-Post
// (RFC 8058 §3.1), the link's token naming that address; the members'
// copies share a transaction and carry no unsubscribe field.
func TestUnsubscribeFields(t *testing.T) {
	w := unsubWorld(t, "https://groups.example.test")
	links := map[string]bool{}
	for _, rcpt := range []string{partner, partner2} {
		data, n := w.copyOf(t, rcpt)
		lu, lup := fieldValues(data, "List-Unsubscribe"), fieldValues(data, "List-Unsubscribe-Post")
		if n != 1 || len(lu) != 1 || len(lup) != 1 || lup[0] != "List-Unsubscribe=One-Click" {
			t.Fatalf("%s: %d recipients, List-Unsubscribe %q, -Post %q", rcpt, n, lu, lup)
		}
		if !strings.HasPrefix(string(data), "Received: ") {
			t.Errorf("%s: the trace field is not first:\n%.200s", rcpt, data)
		}
		url, mailto, ok := strings.Cut(lu[0], ", ")
		token, found := strings.CutPrefix(strings.Trim(url, "<>"), "https://groups.example.test/u/")
		if !ok || !found || mailto != "<mailto:team-unsubscribe+"+token+"@"+listDomain+"?subject=unsubscribe>" {
			t.Fatalf("%s: List-Unsubscribe %q", rcpt, lu[0])
		}
		u, err := w.st.LookupUnsubscribe(context.Background(), token)
		if err != nil || u.Address != rcpt {
			t.Fatalf("%s: token names %+v, %v", rcpt, u, err)
		}
		links[token] = true
	}
	if len(links) != 2 {
		t.Fatalf("the two external addresses share a link: %v", links)
	}
	for _, rcpt := range []string{alice, bob} {
		data, n := w.copyOf(t, rcpt)
		if n != 2 || len(fieldValues(data, "List-Unsubscribe")) != 0 || len(fieldValues(data, "List-Unsubscribe-Post")) != 0 {
			t.Fatalf("member %s: %d recipients, an unsubscribe field:\n%s", rcpt, n, data)
		}
	}
}

// TestUnsubscribeMailtoOnly: without public_url an external copy has
// the mailto form alone and no List-Unsubscribe-Post (RFC 8058 needs an
// https link for it).
func TestUnsubscribeMailtoOnly(t *testing.T) {
	w := unsubWorld(t, "")
	data, _ := w.copyOf(t, partner)
	lu := fieldValues(data, "List-Unsubscribe")
	if len(lu) != 1 || !strings.HasPrefix(lu[0], "<mailto:team-unsubscribe+") || strings.Contains(lu[0], "http") ||
		len(fieldValues(data, "List-Unsubscribe-Post")) != 0 {
		t.Fatalf("List-Unsubscribe %q, -Post %q", lu, fieldValues(data, "List-Unsubscribe-Post"))
	}
}

// TestUnsubscribeByMail: a mail to the mailto address removes that
// address, whoever sends it; a forged token's address is refused at RCPT
// like any unknown one and changes nothing.
func TestUnsubscribeByMail(t *testing.T) {
	w := unsubWorld(t, "")
	data, _ := w.copyOf(t, partner)
	addr := strings.TrimSuffix(strings.TrimPrefix(fieldValues(data, "List-Unsubscribe")[0], "<mailto:"), "?subject=unsubscribe>")
	local, domain, _ := strings.Cut(addr, "@")
	alt := "a"
	if strings.HasSuffix(local, "a") {
		alt = "b"
	}
	forged := local[:len(local)-1] + alt + "@" + domain // the MAC's last character changed
	wantCode(t, send(t, w.addr, stranger, []string{forged}, "Subject: unsubscribe\r\n\r\n\r\n"), 550, "5.1.1")
	wantCode(t, send(t, w.addr, stranger, []string{"team-unsubscribe+zz" + local[len(local)-30:] + "@" + domain},
		"Subject: unsubscribe\r\n\r\n\r\n"), 550, "5.1.1")
	ctx := context.Background()
	g, err := w.st.GetGroup(ctx, groups.AdminActor(), "team")
	if err != nil || len(g.MailingList.ExternalMembers) != 2 {
		t.Fatalf("a forged address changed the list: %v %v", g.MailingList.ExternalMembers, err)
	}
	if err := send(t, w.addr, stranger, []string{addr}, "Subject: unsubscribe\r\n\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	g, err = w.st.GetGroup(ctx, groups.AdminActor(), "team")
	if err != nil || !slices.Equal(g.MailingList.ExternalMembers, []string{partner2}) {
		t.Fatalf("external members after the mail: %v %v", g.MailingList.ExternalMembers, err)
	}
	// The link is used up: its address is unknown now.
	wantCode(t, send(t, w.addr, stranger, []string{addr}, "Subject: unsubscribe\r\n\r\n\r\n"), 550, "5.1.1")
}
