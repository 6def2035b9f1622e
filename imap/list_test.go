package imap

import (
	"context"
	"reflect"
	"strings"
	"testing"

	goimap "github.com/emersion/go-imap/v2"

	"groupd/groups"
)

func TestListShowsTheUsersGroups(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	mkGroup(t, e.store, "secret", "Secret plans", false)                     // alice only, private
	mkGroup(t, e.store, "intl", "Ünïcødé 日本 & co", true, "bob@example.test") // any script
	mkGroup(t, e.store, "slash", "R&D/ops", true, "bob@example.test")        // the delimiter and "&" in a name

	alice := e.login(t, "alice@example.test")
	want := []string{"INBOX", "Groups", "Groups/R＆D∕ops", "Groups/Secret plans", "Groups/Team", "Groups/Ünïcødé 日本 ＆ co"}
	if got := listNames(t, alice); !reflect.DeepEqual(got, want) {
		t.Errorf("alice sees %q, want %q", got, want)
	}
	bob := e.login(t, "bob@example.test")
	want = []string{"INBOX", "Groups", "Groups/R＆D∕ops", "Groups/Team", "Groups/Ünïcødé 日本 ＆ co"}
	if got := listNames(t, bob); !reflect.DeepEqual(got, want) {
		t.Errorf("bob sees %q, want %q", got, want)
	}
	carol := e.login(t, "carol@example.test")
	if got := listNames(t, carol); !reflect.DeepEqual(got, []string{"INBOX", "Groups"}) {
		t.Errorf("carol (no groups) sees %q", got)
	}
	// The private group does not exist for outsiders, by name or by guess.
	for _, c := range []struct {
		name string
	}{{"Groups/Secret plans"}, {"Groups/secret"}} {
		_, err := bob.Select(c.name, nil).Wait()
		wantNo(t, "bob selects "+c.name, err, "No such mailbox")
		_, err = carol.Status(c.name, &goimap.StatusOptions{NumMessages: true}).Wait()
		wantNo(t, "carol status "+c.name, err, "No such mailbox")
	}
	// A public group's archive is for members only: no mailbox for carol.
	_, err := carol.Select("Groups/Team", nil).Wait()
	wantNo(t, "carol selects Groups/Team", err, "No such mailbox")
	// Names in any script round-trip through modified UTF-7.
	if d := mustSelect(t, bob, "Groups/Ünïcødé 日本 & co"); d.NumMessages != 0 {
		t.Errorf("new group has %d messages", d.NumMessages)
	}
	// INBOX exists and is empty; Groups cannot be selected.
	if d := mustSelect(t, carol, "INBOX"); d.NumMessages != 0 {
		t.Errorf("INBOX has %d messages", d.NumMessages)
	}
	_, err = carol.Select("Groups", nil).Wait()
	wantNo(t, "select Groups", err, "cannot be selected")
}

func TestListPatternsAndLSUB(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.login(t, "bob@example.test")
	cases := map[string][]string{
		"%":         {"INBOX", "Groups"},
		"Groups/%":  {"Groups/Team"},
		"*":         {"INBOX", "Groups", "Groups/Team"},
		"inbox":     {"INBOX"},
		"Groups/T*": {"Groups/Team"},
		"nothing*":  nil,
	}
	for pattern, want := range cases {
		list, err := c.List("", pattern, nil).Collect()
		if err != nil {
			t.Fatalf("list %q: %v", pattern, err)
		}
		var got []string
		for _, l := range list {
			got = append(got, l.Mailbox)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("LIST %q = %q, want %q", pattern, got, want)
		}
	}
	list, err := c.List("", "*", &goimap.ListOptions{SelectSubscribed: true}).Collect()
	if err != nil || len(list) != 3 {
		t.Fatalf("LSUB-like list: %v %v", list, err)
	}
	delim, err := c.List("", "", nil).Collect()
	if err != nil || len(delim) != 1 || delim[0].Delim != '/' {
		t.Fatalf("delimiter query: %+v %v", delim, err)
	}
}

func TestMailboxVanishesWhenFeatureOff(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.login(t, "bob@example.test")
	off := false
	_, err := e.store.UpdateGroup(context.Background(), groups.AdminActor(), "team",
		groups.GroupSpec{Features: &groups.FeatureSpec{Message: &off}})
	if err != nil {
		t.Fatal(err)
	}
	if got := listNames(t, c); !reflect.DeepEqual(got, []string{"INBOX", "Groups"}) {
		t.Errorf("after message feature off bob sees %q", got)
	}
}

func TestStatusCounts(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.post(t, "team", message("one", "first"))
	uid := e.post(t, "team", message("two", "second"))
	c := e.login(t, "bob@example.test")
	st, err := c.Status("Groups/Team", &goimap.StatusOptions{NumMessages: true, UIDNext: true, UIDValidity: true, NumUnseen: true}).Wait()
	if err != nil {
		t.Fatal(err)
	}
	if *st.NumMessages != 2 || *st.NumUnseen != 2 || st.UIDNext != goimap.UID(uid+1) || st.UIDValidity == 0 {
		t.Errorf("status: messages %d unseen %d uidnext %d validity %d", *st.NumMessages, *st.NumUnseen, st.UIDNext, st.UIDValidity)
	}
}

// After ENABLE UTF8=ACCEPT (RFC 6855) names go out as UTF-8; before it, as
// modified UTF-7 (RFC 3501 §5.1.3). Either form selects the mailbox. An
// "&" in the group's name shows as "＆" in both (never as "&-" in UTF-8),
// and a name sent with "&" finds the mailbox too.
func TestMailboxNameEncodings(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	mkGroup(t, e.store, "intl", "Küche & 日本", true, "bob@example.test")
	r := e.raw(t)
	r.login()
	r.send("a LIST \"\" \"Groups/K*\"\r\n")
	if l := r.line(); l != `* LIST (\HasNoChildren) "/" "Groups/K&APw-che &,wY- &ZeVnLA-"` {
		t.Errorf("UTF-7 LIST: %q", l)
	}
	r.until("a OK")
	r.send("b EXAMINE \"Groups/K&APw-che &,wY- &ZeVnLA-\"\r\n")
	if l := r.until("b "); !strings.HasPrefix(l, "b OK") {
		t.Errorf("EXAMINE by UTF-7 name: %q", l)
	}
	r.send("c ENABLE UTF8=ACCEPT\r\n")
	r.until("c OK")
	r.send("d LIST \"\" \"Groups/K*\"\r\n")
	if l := r.line(); l != `* LIST (\HasNoChildren) "/" "Groups/Küche ＆ 日本"` {
		t.Errorf("UTF-8 LIST: %q", l)
	}
	r.until("d OK")
	r.send("e EXAMINE \"Groups/Küche ＆ 日本\"\r\n")
	if l := r.until("e "); !strings.HasPrefix(l, "e OK") {
		t.Errorf("EXAMINE by UTF-8 name: %q", l)
	}
	r.send("f EXAMINE \"Groups/Küche &- 日本\"\r\n") // "&" as the library decodes it
	if l := r.until("f "); !strings.HasPrefix(l, "f OK") {
		t.Errorf("EXAMINE by a name with \"&\": %q", l)
	}
}
