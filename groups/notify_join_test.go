package groups

import (
	"context"
	"strings"
	"testing"
)

// TestJoinRequestKeepsTheRequestersWords (issue 15): the masters' notice
// of a join request quotes the request's subject and text, names the
// requester by name and address, and has them as Reply-To, so that a
// master can simply answer. The text is made safe (no control
// characters) and bounded to its first MaxJoinText bytes, cut at a
// character, with a note that it goes on.
func TestJoinRequestKeepsTheRequestersWords(t *testing.T) {
	s := newStore(t)
	addUsers(t, s, "m@example.test")
	ctx := context.Background()
	mustGroup(t, s, admin, GroupSpec{ID: str("team"), Name: str("Team"), Notify: boolp(false), Masters: []string{"m@example.test"}})
	r := JoinMail{Address: "Eve@Other.Example", Name: "Eve Example", Subject: "May I join?",
		Text: "Hello,\r\n\r\nI work on the \x1b[31mparser\x00 and would like to join.\r\n\r\nEve\r\n", Verified: true}
	if err := s.JoinRequest(ctx, "team@lists.example.test", r); err != nil {
		t.Fatal(err)
	}
	long := r // from another address: the same one's would be merged into the first
	long.Address = "Eve2@Other.Example"
	long.Text = strings.Repeat("가", MaxJoinText) // 3 bytes each: cut mid-way
	if err := s.JoinRequest(ctx, "team@lists.example.test", long); err != nil {
		t.Fatal(err)
	}
	var got []queuedNotice
	for _, n := range notices(t, s) {
		if n.rcpts[0] == "m@example.test" {
			got = append(got, n)
		}
	}
	if len(got) != 2 {
		t.Fatalf("the master got %d notices, want 2", len(got))
	}
	n := got[0]
	if want := "Join request for Team from Eve Example <eve@other.example>"; n.subject != want {
		t.Errorf("subject %q, want %q", n.subject, want)
	}
	if rt, err := n.header.AddressList("Reply-To"); err != nil || len(rt) != 1 ||
		rt[0].Name != "Eve Example" || rt[0].Address != "eve@other.example" {
		t.Errorf("Reply-To %v (%v), want Eve Example <eve@other.example>", rt, err)
	}
	n.says(t, `Eve Example <eve@other.example> asks to join the group "Team"`, "Subject: May I join?\n",
		"> Hello,\n>\n> I work on the [31mparser and would like to join.\n>\n> Eve\n\n")
	if strings.ContainsAny(n.body, "\x1b\x00") {
		t.Errorf("control characters reached the notice:\n%q", n.body)
	}
	quoted := ""
	for line := range strings.SplitSeq(got[1].body, "\n") {
		if rest, ok := strings.CutPrefix(line, "> "); ok {
			quoted += rest
		}
	}
	if want := strings.Repeat("가", MaxJoinText/3); quoted != want {
		t.Errorf("long request quoted as %d bytes, want the first %d whole characters", len(quoted), MaxJoinText/3)
	}
	got[1].says(t, "[The request goes on; only its beginning is shown.]")
}
