package smtp

import (
	"context"
	"strings"
	"testing"
	"time"

	"groupd/groups"
	"groupd/internal/testkit"
)

// companionsOf are a list's address and every companion the server
// answers for (companions.go).
func companionsOf(local string) []string {
	var out []string
	for _, suffix := range []string{"", "-owner", "-join", "-bounces"} {
		out = append(out, local+suffix+"@"+listDomain)
	}
	return out
}

// hall is a public list that takes mail from anyone, on both servers of
// privateAndMissing, so that a transaction can reach DATA.
var hall = "hall@" + listDomain

// privateAndMissing starts two servers with the same options: one whose
// store holds the private group "secret" (alice master, bob member,
// partner external member, the new private list's defaults) and the
// private "club" whose master published its list (anyone), and one whose
// store has neither; both have the same users and the public "hall".
func privateAndMissing(t *testing.T, opt func(*Options)) (private, missing string) {
	t.Helper()
	st, empty := newStore(t), newStore(t)
	for _, s := range []*groups.Store{st, empty} {
		addUsers(t, s, alice, bob, carol)
		addGroup(t, s, "hall", []string{alice}, nil, &groups.ListSpec{SendRestriction: ptr(groups.SendAnyone)})
	}
	for id, list := range map[string]*groups.ListSpec{
		"secret": {ExternalMembers: &[]string{partner}},
		"club":   {SendRestriction: ptr(groups.SendAnyone)},
	} {
		_, err := st.CreateGroup(context.Background(), groups.AdminActor(), groups.GroupSpec{ID: ptr(id),
			Name: ptr("Secret " + id), Public: ptr(false), Notify: ptr(false), External: ptr(true),
			Masters: []string{alice}, Members: []string{bob}, MailingList: list})
		if err != nil {
			t.Fatal(err)
		}
	}
	return startServer(t, st, opt), startServer(t, empty, opt)
}

// sameAsMissing checks that from's whole transaction to each address of
// the private group "secret" reads, byte for byte, as it does on a
// server where the address does not exist: refused at RCPT with 550
// 5.1.1, then DATA refused alike; and, with the public hall as a first
// recipient, DATA and the message's answer alike too.
func sameAsMissing(t *testing.T, private, missing, from string) {
	t.Helper()
	data := []byte(post(from, "hello", "is anyone there?"))
	for _, rcpt := range companionsOf("secret") {
		for _, rcpts := range [][]string{{rcpt}, {hall, rcpt}} {
			got := testkit.Transcript(t, private, from, data, rcpts...)
			want := testkit.Transcript(t, missing, from, data, rcpts...)
			if strings.Join(got, "") != strings.Join(want, "") {
				t.Errorf("from <%s> to %v: the private group answers\n%q\nwhere a missing address answers\n%q", from, rcpts, got, want)
			}
			if reply := got[2+len(rcpts)]; !strings.Contains(reply, "=> 550 5.1.1 ") {
				t.Errorf("from <%s> to %s: RCPT answered %q, want 550 5.1.1", from, rcpt, reply)
			}
		}
	}
}

// TestPrivateGroupAnswersLikeMissingAddress: a colleague who is not a
// member, an outsider and the null sender learn nothing of a private
// group from its list address or any companion: every answer is the one
// a missing address gets, at the same step.
func TestPrivateGroupAnswersLikeMissingAddress(t *testing.T) {
	private, missing := privateAndMissing(t, nil)
	for _, from := range []string{carol, stranger, ""} {
		sameAsMissing(t, private, missing, from)
	}
}

// TestPrivateGroupForgedMemberAnswersLikeMissing: from outside the
// trusted networks a claimed member address is unproven at RCPT, so it
// does not reveal the group (nor that the address belongs to it).
func TestPrivateGroupForgedMemberAnswersLikeMissing(t *testing.T) {
	private, missing := privateAndMissing(t, untrusted(nil))
	sameAsMissing(t, private, missing, bob)
}

// TestPrivateGroupOpenToAcceptedSenders: members and the list's external
// members reach every address of the private group; an outsider reaches
// a private group whose master set its list to "anyone".
func TestPrivateGroupOpenToAcceptedSenders(t *testing.T) {
	private, _ := privateAndMissing(t, nil)
	cases := []struct{ from, local string }{{bob, "secret"}, {alice, "secret"}, {partner, "secret"}, {stranger, "club"}}
	for _, c := range cases {
		for _, rcpt := range companionsOf(c.local) {
			got := testkit.Transcript(t, private, c.from, []byte(post(c.from, "hello", "hi")), rcpt)
			if !strings.Contains(got[3], "=> 250 ") {
				t.Errorf("from <%s> to %s: RCPT answered %q, want 250", c.from, rcpt, got[3])
			}
		}
	}
}

// TestJoinAcknowledgementOnlyToVerifiedSender: from outside the trusted
// networks, an unsigned join request reaches the masters (marked as
// unverified) and the claimed sender gets nothing (no backscatter); the
// same request with a passing DKIM signature of the sender's domain is
// merged into the pending one (the masters are not told twice, issue 13)
// and gets the acknowledgement.
func TestJoinAcknowledgementOnlyToVerifiedSender(t *testing.T) {
	k := newDKIMKey(t, "elsewhere.example")
	w := newWorld(t, nil, untrusted(k))
	w.startQueue(t, nil)
	join := "team-join@" + listDomain
	if err := send(t, w.addr, stranger, []string{join}, post(stranger, "let me in", "please")); err != nil {
		t.Fatal(err)
	}
	got := w.relay.waitRcpts(t, 1)
	w.relay.quiet(t, 300*time.Millisecond, 1)
	if len(got[alice]) != 1 || !strings.Contains(string(got[alice][0]), "could not be verified") {
		t.Fatalf("the master got %d messages, want the request marked unverified: %v", len(got[alice]), keys(got))
	}
	if err := send(t, w.addr, stranger, []string{join}, k.sign(t, post(stranger, "signed", "please"))); err != nil {
		t.Fatal(err)
	}
	got = w.relay.waitRcpts(t, 2)
	w.relay.quiet(t, 300*time.Millisecond, 2)
	if len(got[stranger]) != 1 || !strings.Contains(string(got[stranger][0]), "Your request was sent to the masters of") {
		t.Fatalf("the DKIM-verified requester got %d messages, want the acknowledgement", len(got[stranger]))
	}
	if len(got[alice]) != 1 {
		t.Fatalf("the master got %d messages, want the first request's only (the second is merged)", len(got[alice]))
	}
}

// TestNewListDefaultsOverSMTP: a colleague who is not a member may post
// to a new public group's list, an outsider may not; a new private
// group's list does not exist for the colleague.
func TestNewListDefaultsOverSMTP(t *testing.T) {
	st := newStore(t)
	addUsers(t, st, alice, carol)
	for id, public := range map[string]bool{"open": true, "hush": false} {
		_, err := st.CreateGroup(context.Background(), groups.AdminActor(), groups.GroupSpec{ID: ptr(id),
			Name: ptr(id), Public: ptr(public), Notify: ptr(false), Masters: []string{alice}})
		if err != nil {
			t.Fatal(err)
		}
	}
	addr := startServer(t, st, nil)
	open := "open@" + listDomain
	if err := send(t, addr, carol, []string{open}, post(carol, "hello all", "hi")); err != nil {
		t.Errorf("a colleague's post to a new public group: %v", err)
	}
	wantCode(t, send(t, addr, stranger, []string{open}, post(stranger, "hello", "hi")), 550, "5.7.1")
	wantCode(t, send(t, addr, carol, []string{"hush@" + listDomain}, post(carol, "hello", "hi")), 550, "5.1.1")
}
