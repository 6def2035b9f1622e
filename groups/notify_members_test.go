package groups

import (
	"context"
	"strings"
	"testing"
)

// TestMembershipChangesAreNotified (issue 15): adding, promoting,
// demoting and removing a member, and changing the profile image, are
// edits the members are told of, by name and address; the member
// concerned is told too, even when the change removes them. A group with
// notify off tells no one.
func TestMembershipChangesAreNotified(t *testing.T) {
	s := newStore(t)
	addNamed(t, s, "alice@example.test", "Alice Kim", "bob@example.test", "Bob Lee", "carol@example.test", "Carol Park")
	alice := user("alice@example.test")
	ctx := context.Background()
	g := mustGroup(t, s, alice, GroupSpec{Name: str("Team"), Members: []string{"bob@example.test"}})
	quiet := mustGroup(t, s, alice, GroupSpec{Name: str("Quiet"), Notify: boolp(false)})
	steps := []func() error{
		func() error { return s.SetMember(ctx, alice, g.ID, "carol@example.test", RoleMember) },
		func() error { return s.SetMember(ctx, alice, g.ID, "carol@example.test", RoleMaster) },
		func() error { return s.SetMember(ctx, alice, g.ID, "carol@example.test", RoleMember) },
		func() error { return s.RemoveMember(ctx, admin, g.ID, "bob@example.test") },
		func() error { return s.SetProfile(ctx, alice, g.ID, tinyPNG(t)) },
		func() error { return s.SetMember(ctx, alice, quiet.ID, "bob@example.test", RoleMember) },
		func() error { return s.RemoveMember(ctx, alice, quiet.ID, "bob@example.test") },
	}
	for i, step := range steps {
		if err := step(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	got := notices(t, s)[1:] // after the creation notice
	type want struct{ subject, line, rcpts string }
	for i, w := range []want{
		{`Group "Team" was edited by Alice Kim <alice@example.test>`, "Carol Park <carol@example.test> was added as a member.",
			"alice@example.test,bob@example.test,carol@example.test"},
		{`Group "Team" was edited by Alice Kim <alice@example.test>`, "Carol Park <carol@example.test> is now a Group Master.",
			"alice@example.test,bob@example.test,carol@example.test"},
		{`Group "Team" was edited by Alice Kim <alice@example.test>`, "Carol Park <carol@example.test> is no longer a Group Master",
			"alice@example.test,bob@example.test,carol@example.test"},
		{`Group "Team" was edited by an administrator`, "Bob Lee <bob@example.test> was removed from the group",
			"alice@example.test,carol@example.test,bob@example.test"},
		{`Group "Team" was edited by Alice Kim <alice@example.test>`, "The group's profile image was changed.",
			"alice@example.test,carol@example.test"},
	} {
		if i >= len(got) {
			t.Fatalf("only %d notices after the creation; want one for each of 5 changes", len(got))
		}
		n := got[i]
		if n.subject != w.subject || strings.Join(n.rcpts, ",") != w.rcpts {
			t.Errorf("notice %d: %q to %v, want %q to %s", i, n.subject, n.rcpts, w.subject, w.rcpts)
		}
		n.says(t, w.line)
	}
	if len(got) != 5 {
		t.Errorf("%d notices after the creation, want 5 (none for the quiet group)", len(got))
	}
}

// TestMemberCannotLeave (issue 15): a member who removes themselves is
// told that members cannot leave and that masters remove members, not
// the generic refusal; a master may still remove themselves while
// another master remains.
func TestMemberCannotLeave(t *testing.T) {
	s := newStore(t)
	addUsers(t, s, "alice@example.test", "bob@example.test", "carol@example.test")
	ctx := context.Background()
	g := mustGroup(t, s, user("alice@example.test"), GroupSpec{Name: str("Team"), Notify: boolp(false),
		Masters: []string{"carol@example.test"}, Members: []string{"bob@example.test"}})
	err := s.RemoveMember(ctx, user("bob@example.test"), g.ID, "bob@example.test")
	wantErr(t, err, ErrDenied)
	if msg := Message(err); !strings.Contains(msg, "members cannot leave a group") || !strings.Contains(msg, "only its masters remove members") {
		t.Errorf("a member leaving is told %q", msg)
	}
	// Removing someone else is the usual refusal.
	err = s.RemoveMember(ctx, user("bob@example.test"), g.ID, "alice@example.test")
	if wantErr(t, err, ErrDenied); !strings.Contains(Message(err), "only masters") {
		t.Errorf("a member removing a master is told %q", Message(err))
	}
	if err := s.RemoveMember(ctx, user("carol@example.test"), g.ID, "carol@example.test"); err != nil {
		t.Fatalf("a master leaving while another remains: %v", err)
	}
}

// TestNoticesInTheOrganisationsLanguage (issue 15): with Language "ko"
// the notices are written in Korean, "(none)" included, and say so in
// Content-Language; an unknown language is refused at Open.
func TestNoticesInTheOrganisationsLanguage(t *testing.T) {
	o := testOptions(t)
	o.Language = "ko"
	s, err := Open(o)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	addNamed(t, s, "alice@example.test", "김앨리스")
	mustGroup(t, s, user("alice@example.test"), GroupSpec{Name: str("개발팀")})
	got := notices(t, s)
	if len(got) != 1 {
		t.Fatalf("%d notices, want 1", len(got))
	}
	n := got[0]
	if want := `"개발팀" 그룹이 만들어졌습니다 (만든 사람: 김앨리스 <alice@example.test>)`; n.subject != want {
		t.Errorf("subject %q, want %q", n.subject, want)
	}
	n.says(t, "설명: (없음)\n", "그룹 마스터: 김앨리스 <alice@example.test>\n")
	if n.header.Get("Content-Language") != "ko" {
		t.Errorf("Content-Language %q", n.header.Get("Content-Language"))
	}
	o = testOptions(t)
	o.Language = "fr"
	_, err = Open(o)
	if err == nil {
		t.Fatal("Open with Language fr succeeded")
	}
}

// TestNoticeLinesStayShort (issue 16 item 15): a group named with 100
// emoji and a long description give notices whose every line is at most
// 78 octets (RFC 5322 §2.1.1): the Subject encoded and folded (RFC
// 2047), the body quoted-printable. They read back whole.
func TestNoticeLinesStayShort(t *testing.T) {
	s := newStore(t)
	addNamed(t, s, "alice@example.test", "Alice Kim")
	name := strings.Repeat("😀", 100)
	desc := strings.TrimSpace(strings.Repeat("🎉 long words ", 23)) // 298 characters
	g := mustGroup(t, s, user("alice@example.test"), GroupSpec{ID: str("emoji"), Name: str(name), Description: str(desc)})
	if err := s.DeleteGroup(context.Background(), user("alice@example.test"), g.ID); err != nil {
		t.Fatal(err)
	}
	got := notices(t, s)
	if len(got) != 2 {
		t.Fatalf("%d notices, want 2", len(got))
	}
	for _, n := range got {
		for i, line := range strings.Split(n.raw, "\r\n") {
			if len(line) > 78 {
				t.Errorf("%q: line %d is %d octets: %.60q…", n.subject, i+1, len(line), line)
			}
		}
		if !strings.Contains(n.subject, `"`+name+`"`) {
			t.Errorf("subject %q does not read back with the name", n.subject)
		}
	}
	got[0].says(t, "Name: "+name+"\n", "Description: "+desc+"\n")
}
