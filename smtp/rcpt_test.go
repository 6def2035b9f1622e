package smtp

import (
	"context"
	"strings"
	"testing"

	gosmtp "github.com/emersion/go-smtp"

	"groupd/groups"
)

// TestRcptNeverRelays: a recipient outside the hosted domains is refused
// with 550 5.7.1, whoever asks.
func TestRcptNeverRelays(t *testing.T) {
	w := newWorld(t, nil, nil)
	err := send(t, w.addr, alice, []string{"someone@other.example"}, post(alice, "relay", "x"))
	se := wantCode(t, err, 550, "5.7.1")
	if !strings.Contains(se.Message, "relaying denied") {
		t.Fatalf("message %q does not say why", se.Message)
	}
}

// TestRcptUnknownLocalPart: an address of a hosted domain that is no list
// nor a companion is 550 5.1.1.
func TestRcptUnknownLocalPart(t *testing.T) {
	w := newWorld(t, nil, nil)
	for _, rc := range []string{"nobody@" + listDomain, "team-bounces+zzzzzzzzz@" + listDomain, "nobody-owner@" + listDomain} {
		err := send(t, w.addr, alice, []string{rc}, post(alice, "unknown", "x"))
		wantCode(t, err, 550, "5.1.1")
	}
}

// TestRcptCompanionsAccepted: the list, -owner and -join are accepted, in
// any case of letters.
func TestRcptCompanionsAccepted(t *testing.T) {
	w := newWorld(t, nil, nil)
	for _, rc := range []string{teamList, "Team-Owner@LISTS.example.test", "team-join@" + listDomain} {
		if err := send(t, w.addr, bob, []string{rc}, post(bob, "hello "+rc, "x")); err != nil {
			t.Fatalf("%s: %v", rc, err)
		}
	}
}

// TestPolicy: every posting rule, with the envelope sender at RCPT and
// the header From at DATA: code, enhanced code and sentence.
func TestPolicy(t *testing.T) {
	cases := []struct {
		name       string
		list       groups.ListSpec
		envelope   string
		from       string // header From; "" = envelope
		code       int    // 0 = accepted
		enh, words string
	}{
		{"members: member", groups.ListSpec{}, bob, "", 0, "", ""},
		{"members: master", groups.ListSpec{}, alice, "", 0, "", ""},
		{"members: external member", groups.ListSpec{}, partner, "", 0, "", ""},
		{"members: outsider at RCPT", groups.ListSpec{}, carol, "", 550, "5.7.1", "accepts mail only from members"},
		{"members: outsider in From", groups.ListSpec{}, bob, carol, 550, "5.7.1", "accepts mail only from members"},
		{"anyone: stranger", groups.ListSpec{SendRestriction: ptr("anyone")}, stranger, "", 0, "", ""},
		{"listed: allowed", groups.ListSpec{SendRestriction: ptr("listed"), Allowed: &[]string{stranger}}, stranger, "", 0, "", ""},
		{"listed: member not listed", groups.ListSpec{SendRestriction: ptr("listed"), Allowed: &[]string{stranger}}, bob, "", 550, "5.7.1", "senders its masters listed"},
		{"listed: From not listed", groups.ListSpec{SendRestriction: ptr("listed"), Allowed: &[]string{stranger}}, stranger, bob, 550, "5.7.1", "senders its masters listed"},
		{"block_external: external sender", groups.ListSpec{SendRestriction: ptr("anyone"), BlockExternal: ptr(true)}, stranger, "", 550, "5.7.1", "only from addresses in example.test"},
		{"block_external: external member", groups.ListSpec{BlockExternal: ptr(true)}, partner, "", 550, "5.7.1", "only from addresses in example.test"},
		{"block_external: external From", groups.ListSpec{SendRestriction: ptr("anyone"), BlockExternal: ptr(true)}, carol, stranger, 550, "5.7.1", "only from addresses in example.test"},
		{"block_external: internal", groups.ListSpec{SendRestriction: ptr("anyone"), BlockExternal: ptr(true)}, carol, "", 0, "", ""},
		{"disabled list", groups.ListSpec{Enabled: ptr(false)}, bob, "", 550, "5.2.1", "not accepting mail"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			list := c.list
			w := newWorld(t, &list, nil)
			from := c.from
			if from == "" {
				from = c.envelope
			}
			err := send(t, w.addr, c.envelope, []string{teamList}, post(from, "policy", "x"))
			if c.code == 0 {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			se := wantCode(t, err, c.code, c.enh)
			if !strings.Contains(se.Message, c.words) || !strings.Contains(se.Message, teamList) {
				t.Fatalf("message %q does not say %q about %s", se.Message, c.words, teamList)
			}
		})
	}
}

// TestDeletedGroup: once a group is deleted its address is unknown.
func TestDeletedGroup(t *testing.T) {
	w := newWorld(t, nil, nil)
	if err := w.st.DeleteGroup(context.Background(), groups.AdminActor(), "team"); err != nil {
		t.Fatal(err)
	}
	err := send(t, w.addr, bob, []string{teamList}, post(bob, "gone", "x"))
	wantCode(t, err, 550, "5.1.1")
}

// TestSizeAdvertisedAndEnforced: EHLO advertises SIZE; a MAIL SIZE= over
// it and a message over it are 552 5.3.4.
func TestSizeAdvertisedAndEnforced(t *testing.T) {
	w := newWorld(t, nil, func(o *Options) { o.MaxMessageBytes = 10 << 10 })
	c, err := gosmtp.Dial(w.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Hello("client.example"); err != nil {
		t.Fatal(err)
	}
	if n, ok := c.MaxMessageSize(); !ok || n != 10<<10 {
		t.Fatalf("SIZE advertised %d %v, want %d", n, ok, 10<<10)
	}
	wantCode(t, c.Mail(bob, &gosmtp.MailOptions{Size: 20 << 10}), 552, "5.3.4")
	big := post(bob, "big", strings.Repeat("0123456789abcdef012345678901234567890123456789012345678901234567890123456789\r\n", 200))
	se := wantCode(t, send(t, w.addr, bob, []string{teamList}, big), 552, "5.3.4")
	if !strings.Contains(se.Message, "larger than this server accepts (10 KiB)") {
		t.Fatalf("message %q does not say the limit", se.Message)
	}
}

// TestRecipientsBounded: past MaxRecipients RCPT is 452 4.5.3.
func TestRecipientsBounded(t *testing.T) {
	w := newWorld(t, nil, func(o *Options) { o.MaxRecipients = 2 })
	rcpts := []string{teamList, "team-owner@" + listDomain, "team-join@" + listDomain}
	wantCode(t, send(t, w.addr, bob, rcpts, post(bob, "many", "x")), 452, "4.5.3")
}

// TestLongLine: a line over MaxLineLength is refused 554 5.6.0 with a
// sentence saying the line is too long, and the server goes on serving.
func TestLongLine(t *testing.T) {
	w := newWorld(t, nil, func(o *Options) { o.MaxLineLength = 1000 })
	err := send(t, w.addr, bob, []string{teamList}, post(bob, "long", strings.Repeat("x", 5000)))
	se := wantCode(t, err, 554, "5.6.0")
	if !strings.Contains(se.Message, "too long") {
		t.Errorf("the refusal %q does not say the line is too long", se.Message)
	}
	if err := send(t, w.addr, bob, []string{teamList}, post(bob, "after", "x")); err != nil {
		t.Fatalf("server stopped serving: %v", err)
	}
}
