package smtp

import (
	"crypto/tls"
	"encoding/base64"
	"net"
	"net/netip"
	"net/textproto"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	gosmtp "github.com/emersion/go-smtp"

	"groupd/groups"
)

func sendersAsWorld(t *testing.T) *world {
	t.Helper()
	w := newWorld(t, &groups.ListSpec{SendersAs: &[]string{alice}}, nil)
	w.startQueue(t, nil)
	return w
}

// TestSendAsAllowed: alice is in team's senders_as, so mail From: the list
// address to an outside recipient is queued and reaches the relay, with
// the list's -owner address as envelope sender.
func TestSendAsAllowed(t *testing.T) {
	w := sendersAsWorld(t)
	ca := newTestCA(t)
	addr, _ := startSubmission(t, w, ca, nil)
	c := subDial(t, addr, ca, alice)
	if err := submit(c, alice, []string{stranger}, mailFrom(teamList, []string{stranger}, "as the team")); err != nil {
		t.Fatalf("send as the list: %v", err)
	}
	got := w.relay.waitRcpts(t, 1)[stranger]
	if len(got) != 1 || header(got[0], "From") != teamList || header(got[0], "Subject") != "as the team" {
		t.Fatalf("relay got %q", got)
	}
	if header(got[0], "Message-ID") == "" || header(got[0], "Date") == "" {
		t.Errorf("no Message-ID or Date added:\n%s", got[0])
	}
	if env := w.relay.envelopes(); env[0].From != "team-owner@"+listDomain {
		t.Errorf("envelope sender %q", env[0].From)
	}
}

// TestSendAsRefused: bob is a member but not in senders_as: 550 5.7.1
// naming the rule, and nothing reaches the relay.
func TestSendAsRefused(t *testing.T) {
	w := sendersAsWorld(t)
	ca := newTestCA(t)
	addr, _ := startSubmission(t, w, ca, nil)
	c := subDial(t, addr, ca, bob)
	err := submit(c, bob, []string{stranger}, mailFrom(teamList, []string{stranger}, "not allowed"))
	se := wantCode(t, err, 550, "5.7.1")
	if !strings.Contains(se.Message, "senders_as") || !strings.Contains(se.Message, teamList) {
		t.Errorf("refusal does not name the rule: %q", se.Message)
	}
	w.relay.quiet(t, 200e6, 0)
}

// TestSubmissionNoSpoofing: From another person's address is refused;
// From the user's own address is relayed with the user as envelope.
func TestSubmissionNoSpoofing(t *testing.T) {
	w := sendersAsWorld(t)
	ca := newTestCA(t)
	addr, _ := startSubmission(t, w, ca, nil)
	c := subDial(t, addr, ca, bob)
	err := submit(c, bob, []string{stranger}, mailFrom(alice, []string{stranger}, "spoof"))
	se := wantCode(t, err, 550, "5.7.1")
	if !strings.Contains(se.Message, "your own address") {
		t.Errorf("refusal: %q", se.Message)
	}
	c.Reset()
	if err := submit(c, "whatever@else.example", []string{stranger}, mailFrom(bob, []string{stranger}, "own")); err != nil {
		t.Fatalf("own address: %v", err)
	}
	w.relay.waitRcpts(t, 1)
	if env := w.relay.envelopes(); len(env) != 1 || env[0].From != bob {
		t.Errorf("envelopes %+v", env)
	}
}

// TestPostViaSubmission: a member's mail to the list goes through the
// list (fan-out to members and external members, list headers), over
// implicit TLS this time.
//
// An authenticated submission counts as an internal sender: with
// TrustedNetworks excluding loopback (10.0.0.0/8) and the list
// block_external and members-only, bob's post over inbound SMTP from
// 127.0.0.1 is refused 550 5.7.1 (an unverified internal address is
// treated as external), while the same post from the same address over
// submission, after AUTH, passes and reaches every member once.
func TestPostViaSubmission(t *testing.T) {
	untrusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	w := newWorld(t, &groups.ListSpec{BlockExternal: ptr(true), SendRestriction: ptr("members")},
		func(o *Options) { o.TrustedNetworks = untrusted })
	w.startQueue(t, nil)
	wantCode(t, send(t, w.addr, bob, []string{teamList}, post(bob, "via inbound", "hi")), 550, "5.7.1")
	ca := newTestCA(t)
	_, tlsAddr := startSubmission(t, w, ca, func(o *SubmissionOptions) { o.TrustedNetworks = untrusted })
	c, err := gosmtp.DialTLS(tlsAddr, ca.client)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Auth(sasl.NewPlainClient("", bob, "password1")); err != nil {
		t.Fatal(err)
	}
	if err := submit(c, bob, []string{teamList}, post(bob, "via submission", "hi")); err != nil {
		t.Fatalf("post: %v", err)
	}
	got := w.relay.waitRcpts(t, 3)
	for _, r := range []string{alice, bob, partner} {
		if len(got[r]) != 1 || header(got[r][0], "List-Id") == "" || header(got[r][0], "Subject") != "via submission" {
			t.Errorf("%s got %q", r, got[r])
		}
	}
	w.relay.quiet(t, 200*time.Millisecond, 3)
}

// TestSubmissionPostRefusedForNonMember: carol (internal, not a member)
// is refused at RCPT by the members-only rule, authenticated or not.
func TestSubmissionPostRefusedForNonMember(t *testing.T) {
	w := sendersAsWorld(t)
	ca := newTestCA(t)
	addr, _ := startSubmission(t, w, ca, nil)
	c := subDial(t, addr, ca, carol)
	err := submit(c, carol, []string{teamList}, post(carol, "hi", "hi"))
	wantCode(t, err, 550, "5.7.1")
}

// TestSubmissionNeedsAuth: MAIL before AUTH is refused (530 5.7.0, RFC
// 4954 §6); a wrong password or another identity is 535.
func TestSubmissionNeedsAuth(t *testing.T) {
	w := sendersAsWorld(t)
	ca := newTestCA(t)
	addr, _ := startSubmission(t, w, ca, nil)
	c, err := gosmtp.DialStartTLS(addr, ca.client)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	wantCode(t, c.Mail(bob, nil), 530, "5.7.0")
	wantCode(t, c.Auth(sasl.NewPlainClient("", bob, "wrong")), 535, "5.7.8")
	wantCode(t, c.Auth(sasl.NewPlainClient(alice, bob, "password1")), 535, "5.7.8")
	if err := c.Auth(sasl.NewLoginClient(bob, "password1")); err != nil {
		t.Fatalf("AUTH LOGIN: %v", err)
	}
}

// TestAuthNeedsTLSOffLoopback: on a listener that is not loopback, AUTH
// before STARTTLS is refused (523 5.7.10, RFC 4954 §4) and accepted after,
// on the same connection.
func TestAuthNeedsTLSOffLoopback(t *testing.T) {
	w := sendersAsWorld(t)
	ca := newTestCA(t)
	addr, _ := startSubmission(t, w, ca, func(o *SubmissionOptions) { o.Loopback = ptr(false) })
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	auth := "AUTH PLAIN " + base64.StdEncoding.EncodeToString([]byte("\x00"+bob+"\x00password1"))
	tc := textproto.NewConn(conn)
	expect(t, tc, "", 220)
	expect(t, tc, "EHLO client.example", 250)
	expect(t, tc, auth, 523)
	expect(t, tc, "STARTTLS", 220)
	tc = textproto.NewConn(tls.Client(conn, ca.client))
	expect(t, tc, "EHLO client.example", 250)
	expect(t, tc, auth, 235)
}

// expect sends line (unless "") and checks the reply's code.
func expect(t *testing.T, tc *textproto.Conn, line string, code int) {
	t.Helper()
	if line != "" {
		if err := tc.PrintfLine("%s", line); err != nil {
			t.Fatal(err)
		}
	}
	if _, msg, err := tc.ReadResponse(code); err != nil {
		t.Fatalf("%q: %v %s", line, err, msg)
	}
}

// TestAuthPlaintextOnLoopback: a loopback listener (the default decision
// from its address) and the InsecureAuth switch allow AUTH without TLS.
func TestAuthPlaintextOnLoopback(t *testing.T) {
	w := sendersAsWorld(t)
	ca := newTestCA(t)
	for name, opt := range map[string]func(*SubmissionOptions){
		"loopback": nil,
		"switch":   func(o *SubmissionOptions) { o.Loopback = ptr(false); o.InsecureAuth = true },
	} {
		addr, _ := startSubmission(t, w, ca, opt)
		c, err := gosmtp.Dial(addr)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Auth(sasl.NewPlainClient("", bob, "password1")); err != nil {
			t.Errorf("%s: AUTH without TLS: %v", name, err)
		}
		c.Close()
	}
}

// TestSendAsToTheList: alice, in senders_as, writes From: the list to the
// list itself; it goes through the list (checked as alice, a member) and
// every member gets it From: the list.
func TestSendAsToTheList(t *testing.T) {
	w := sendersAsWorld(t)
	ca := newTestCA(t)
	addr, _ := startSubmission(t, w, ca, nil)
	c := subDial(t, addr, ca, alice)
	if err := submit(c, alice, []string{teamList}, post(teamList, "announcement", "hi")); err != nil {
		t.Fatalf("send as the list to the list: %v", err)
	}
	got := w.relay.waitRcpts(t, 3)
	if len(got[bob]) != 1 || header(got[bob][0], "From") != teamList || header(got[bob][0], "List-Id") == "" {
		t.Fatalf("bob got %q", got[bob])
	}
	// bob is not in senders_as: the same is refused before the list.
	c = subDial(t, addr, ca, bob)
	wantCode(t, submit(c, bob, []string{teamList}, post(teamList, "not bob's", "hi")), 550, "5.7.1")
}
