package groups

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

func convMsg(day int, subject string) ConvertedMessage {
	d := time.Date(2026, 3, day, 10, 0, 0, 0, time.UTC)
	id := fmt.Sprintf("m%d@example.test", day)
	data := fmt.Sprintf("From: a@example.test\r\nSubject: %s\r\nMessage-ID: <%s>\r\n\r\nday %d\r\n", subject, id, day)
	return ConvertedMessage{Date: d, MessageID: id, Subject: subject, Data: []byte(data)}
}

// archived lists a group's archive as (uid, message-id) in UID order.
func archived(t *testing.T, s *Store, id string) []string {
	t.Helper()
	rows, err := s.rdb.Query(`SELECT m.uid, m.message_id FROM messages m JOIN groups g ON g.gid = m.gid
		WHERE g.id = ? ORDER BY m.uid`, id)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var uid int64
		var mid string
		if err := rows.Scan(&uid, &mid); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%d:%s", uid, mid))
	}
	return out
}

func TestConvertConversation(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	addUsers(t, s, "a@example.test", "b@example.test", "c@example.test", "x@other.example")
	alice := user("a@example.test")
	msgs := []ConvertedMessage{convMsg(3, "Re: Re: Offsite plan"), convMsg(1, "Offsite plan"), convMsg(2, "Re: Offsite plan")}
	all := []string{"A@example.test", "b@example.test", "c@example.test", "x@other.example", "nobody@example.test", "b@example.test"}

	g, err := s.ConvertConversation(ctx, alice, GroupSpec{}, all, msgs)
	if err != nil {
		t.Fatal(err)
	}
	if g.Name != "Offsite plan" || g.ID != "offsite-plan" {
		t.Errorf("name %q id %q, want the first subject", g.Name, g.ID)
	}
	if got := strings.Join(g.Masters, ","); got != "a@example.test" {
		t.Errorf("masters %s", got)
	}
	if got := strings.Join(g.Members, ","); got != "a@example.test,b@example.test,c@example.test" {
		t.Errorf("members %s: want the internal participants with accounts", got)
	}
	want := "1:m1@example.test 2:m2@example.test 3:m3@example.test"
	if got := strings.Join(archived(t, s, g.ID), " "); got != want {
		t.Errorf("archive %s, want %s (date order)", got, want)
	}

	name := "Named"
	g2, err := s.ConvertConversation(ctx, user("b@example.test"), GroupSpec{Name: &name}, all, msgs[:1])
	if err != nil || g2.Name != "Named" || g2.Masters[0] != "b@example.test" {
		t.Fatalf("named conversion: %v %+v", err, g2)
	}
}

func TestConvertConversationRefused(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	addUsers(t, s, "a@example.test", "b@example.test", "c@example.test", "x@other.example")
	msgs := []ConvertedMessage{convMsg(1, "Hello")}
	off := false
	cases := []struct {
		name  string
		a     Actor
		spec  GroupSpec
		parts []string
		msgs  []ConvertedMessage
		kind  error
		says  string
	}{
		{"two internal", user("a@example.test"), GroupSpec{}, []string{"a@example.test", "b@example.test", "x@other.example"}, msgs, ErrInvalid, "at least 3"},
		{"third has no account", user("a@example.test"), GroupSpec{}, []string{"a@example.test", "b@example.test", "z@example.test"}, msgs, ErrInvalid, "at least 3"},
		{"caller not in it", user("c@example.test"), GroupSpec{}, []string{"a@example.test", "b@example.test"}, msgs, ErrInvalid, "not among"},
		{"admin token", admin, GroupSpec{}, []string{"a@example.test", "b@example.test", "c@example.test"}, msgs, ErrInvalid, "participants"},
		{"no messages", user("a@example.test"), GroupSpec{}, []string{"a@example.test", "b@example.test", "c@example.test"}, nil, ErrInvalid, "no messages"},
		{"message feature off", user("a@example.test"), GroupSpec{Features: &FeatureSpec{Message: &off}},
			[]string{"a@example.test", "b@example.test", "c@example.test"}, msgs, ErrInvalid, "message feature"},
		{"members given", user("a@example.test"), GroupSpec{Members: []string{"b@example.test"}},
			[]string{"a@example.test", "b@example.test", "c@example.test"}, msgs, ErrInvalid, "cannot be given"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := s.ConvertConversation(ctx, c.a, c.spec, c.parts, c.msgs)
			wantErr(t, err, c.kind)
			if !strings.Contains(Message(err), c.says) {
				t.Errorf("sentence %q lacks %q", Message(err), c.says)
			}
		})
	}
	// Nothing half-made: the refused conversions left no group behind.
	list, err := s.ListGroups(ctx, admin, ListQuery{})
	if err != nil || len(list) != 0 {
		t.Fatalf("groups after refusals: %v %v", ids(list), err)
	}
	// The policy applies as to any creation.
	if _, err := s.SetPolicy(ctx, admin, Policy{CreateGroups: "admins"}); err != nil {
		t.Fatal(err)
	}
	_, err = s.ConvertConversation(ctx, user("a@example.test"), GroupSpec{}, []string{"a@example.test", "b@example.test", "c@example.test"}, msgs)
	wantErr(t, err, ErrDenied)
}

func TestNameFromSubject(t *testing.T) {
	for in, want := range map[string]string{
		"Re: Fwd: RE:  Budget  2026": "Budget 2026",
		"":                           "Conversation",
		"Re:":                        "Conversation",
		strings.Repeat("가", 150):     strings.Repeat("가", 100),
	} {
		if got := nameFromSubject(in); got != want {
			t.Errorf("nameFromSubject(%q) = %q, want %q", in, got, want)
		}
	}
}
