package imap

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	gosmtp "github.com/emersion/go-smtp"
)

// TestReadPostsOverIMAP: posts the list accepted over SMTP are listed,
// selected, fetched byte for byte as the archive holds them, in part and
// whole, and found by SEARCH.
func TestReadPostsOverIMAP(t *testing.T) {
	t.Parallel()
	e := start(t)
	e.post("team@lists.example.test", "Lunch plans", "Shall we get bananas? Grüße")
	e.post("team@lists.example.test", "Budget", "numbers attached")
	e.post("hidden@lists.example.test", "Secret", "only for hidden")
	uids, data := e.archived("team")
	if len(data) != 2 {
		t.Fatalf("the archive holds %d posts of team, want 2", len(data))
	}
	c := e.login("bob@example.test")
	want := []string{"Groups", "Groups/Hidden", "Groups/Team", "INBOX"}
	if got := mailboxes(t, c); !reflect.DeepEqual(got, want) {
		t.Errorf("bob's mailboxes %q, want %q", got, want)
	}
	sel := mustSelect(t, c, "Groups/Team")
	if sel.NumMessages != 2 || sel.UIDValidity == 0 || uint32(sel.UIDNext) <= uids[1] {
		t.Errorf("SELECT: %d messages, UIDVALIDITY %d, UIDNEXT %d", sel.NumMessages, sel.UIDValidity, sel.UIDNext)
	}

	whole := &goimap.FetchItemBodySection{Peek: true}
	part := &goimap.FetchItemBodySection{Peek: true, Partial: &goimap.SectionPartial{Offset: 5, Size: 20}}
	msgs, err := c.Fetch(goimap.SeqSet{{Start: 1, Stop: 0}}, &goimap.FetchOptions{UID: true, RFC822Size: true,
		Envelope: true, BodySection: []*goimap.FetchItemBodySection{whole, part}}).Collect()
	if err != nil || len(msgs) != 2 {
		t.Fatalf("fetch: %d messages, %v", len(msgs), err)
	}
	for i, m := range msgs {
		if m.UID != goimap.UID(uids[i]) || m.RFC822Size != int64(len(data[i])) {
			t.Errorf("message %d: UID %d size %d, archive has UID %d size %d", i+1, m.UID, m.RFC822Size, uids[i], len(data[i]))
		}
		if got := m.FindBodySection(whole); !bytes.Equal(got, data[i]) {
			t.Errorf("message %d: BODY[] differs from the archive:\n%q\nwant\n%q", i+1, got, data[i])
		}
		if got := m.FindBodySection(part); !bytes.Equal(got, data[i][5:25]) {
			t.Errorf("message %d: BODY[]<5.20> %q, want %q", i+1, got, data[i][5:25])
		}
	}
	if msgs[0].Envelope.Subject != "Lunch plans" || !bytes.Contains(data[0], []byte("Shall we get bananas? Grüße")) {
		t.Errorf("first post: subject %q; archived\n%s", msgs[0].Envelope.Subject, data[0])
	}

	for _, tc := range []struct {
		name string
		c    goimap.SearchCriteria
		want []uint32
	}{
		{"TEXT", goimap.SearchCriteria{Text: []string{"BANANAS"}}, []uint32{1}},
		{"TEXT UTF-8", goimap.SearchCriteria{Text: []string{"grüße"}}, []uint32{1}},
		{"SUBJECT", goimap.SearchCriteria{Header: []goimap.SearchCriteriaHeaderField{{Key: "Subject", Value: "budget"}}}, []uint32{2}},
		{"FROM", goimap.SearchCriteria{Header: []goimap.SearchCriteriaHeaderField{{Key: "From", Value: "alice"}}}, []uint32{1, 2}},
		{"UID", goimap.SearchCriteria{UID: []goimap.UIDSet{goimap.UIDSetNum(goimap.UID(uids[1]))}}, []uint32{2}},
		{"not in this group", goimap.SearchCriteria{Text: []string{"hidden"}}, nil},
	} {
		res, err := c.Search(&tc.c, nil).Wait()
		if err != nil {
			t.Errorf("SEARCH %s: %v", tc.name, err)
		} else if got := res.AllSeqNums(); fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("SEARCH %s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestSeenIsPerUser: reading a post marks it \Seen for the reader only;
// \Flagged set by one member is not another's; both last across sessions.
func TestSeenIsPerUser(t *testing.T) {
	t.Parallel()
	e := start(t)
	e.post("team@lists.example.test", "one", "first")
	e.post("team@lists.example.test", "two", "second")
	bob := e.login("bob@example.test")
	mustSelect(t, bob, "Groups/Team")
	if _, err := bob.Fetch(goimap.SeqSetNum(1), &goimap.FetchOptions{BodySection: []*goimap.FetchItemBodySection{{}}}).Collect(); err != nil {
		t.Fatalf("bob reads post 1: %v", err)
	}
	alice := e.login("alice@example.test")
	mustSelect(t, alice, "Groups/Team")
	if err := alice.Store(goimap.SeqSetNum(2), &goimap.StoreFlags{Op: goimap.StoreFlagsAdd, Silent: true,
		Flags: []goimap.Flag{goimap.FlagFlagged}}, nil).Close(); err != nil {
		t.Fatalf("alice flags post 2: %v", err)
	}

	again := e.login("bob@example.test") // a new session sees what was stored
	mustSelect(t, again, "Groups/Team")
	b, a := flagsOf(t, again), flagsOf(t, alice)
	if !hasFlag(b[1], goimap.FlagSeen) || hasFlag(b[2], goimap.FlagSeen) || hasFlag(b[2], goimap.FlagFlagged) {
		t.Errorf("bob's flags %v, want \\Seen on 1 only", b)
	}
	if hasFlag(a[1], goimap.FlagSeen) || !hasFlag(a[2], goimap.FlagFlagged) {
		t.Errorf("alice's flags %v, want \\Flagged on 2 and nothing Seen", a)
	}
	res, err := again.Search(&goimap.SearchCriteria{NotFlag: []goimap.Flag{goimap.FlagSeen}}, nil).Wait()
	if err != nil || fmt.Sprint(res.AllSeqNums()) != "[2]" {
		t.Errorf("bob's UNSEEN: %v %v", res, err)
	}
}

// reply sends a post from alice to team over the inbound SMTP port with
// the given Message-ID and, for a reply, In-Reply-To and References.
func (e *env) reply(minute int, id, refs, subject string) {
	e.t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "From: Alice <alice@example.test>\r\nTo: team@lists.example.test\r\nSubject: %s\r\n", subject)
	fmt.Fprintf(&b, "Date: Mon, 02 Jan 2006 10:%02d:00 +0000\r\nMessage-ID: <%s@example.test>\r\n", minute, id)
	if refs != "" {
		ids := strings.Fields(refs)
		fmt.Fprintf(&b, "In-Reply-To: <%s@example.test>\r\n", ids[len(ids)-1])
		fmt.Fprintf(&b, "References: <%s@example.test>\r\n", strings.Join(ids, "@example.test> <"))
	}
	b.WriteString("Content-Type: text/plain; charset=utf-8\r\n\r\nabout the plans\r\n")
	c, err := gosmtp.Dial(e.d.Addr("smtp").String())
	if err != nil {
		e.t.Fatal(err)
	}
	defer c.Close()
	if err := c.SendMail("alice@example.test", []string{"team@lists.example.test"}, strings.NewReader(b.String())); err != nil {
		e.t.Fatalf("post %s: %v", id, err)
	}
}

// TestThreadThroughList (issue 17, IMAP extensions): five posts of one
// discussion, sent to the list over SMTP with In-Reply-To and References
// and archived as the list sends them, come back from THREAD=REFERENCES
// (RFC 5256 §3) as one thread, beside an unrelated post; SORT orders
// them by date, newest first.
func TestThreadThroughList(t *testing.T) {
	t.Parallel()
	e := start(t)
	e.reply(1, "p1", "", "Plans")
	e.reply(2, "other", "", "Lunch")
	e.reply(3, "p2", "p1", "Re: Plans")
	e.reply(4, "p3", "p1 p2", "Re: Re: Plans")
	e.reply(5, "p4", "p1", "Re: Plans")
	e.reply(6, "p5", "p1 p4", "RE: Plans")
	c := e.login("bob@example.test")
	mustSelect(t, c, "Groups/Team")
	got, err := c.Thread(&imapclient.ThreadOptions{Algorithm: goimap.ThreadReferences, SearchCriteria: &goimap.SearchCriteria{}}).Wait()
	want := []imapclient.ThreadData{
		{Chain: []uint32{1}, SubThreads: []imapclient.ThreadData{{Chain: []uint32{3, 4}}, {Chain: []uint32{5, 6}}}},
		{Chain: []uint32{2}},
	}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("THREAD REFERENCES: %+v %v, want %+v", got, err, want)
	}
	nums, err := c.Sort(&imapclient.SortOptions{SearchCriteria: &goimap.SearchCriteria{},
		SortCriteria: []imapclient.SortCriterion{{Key: imapclient.SortKeyDate, Reverse: true}}}).Wait()
	if err != nil || !reflect.DeepEqual(nums, []uint32{6, 5, 4, 3, 2, 1}) {
		t.Errorf("SORT (REVERSE DATE): %v %v", nums, err)
	}
}
