package imap

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	goimap "github.com/emersion/go-imap/v2"
)

// post is a message with the header fields SORT and THREAD look at.
type post struct {
	from, to, cc, subject, date, id, inReplyTo, refs, body string
}

func (m post) bytes() []byte {
	var b strings.Builder
	field := func(k, v string) {
		if v != "" {
			fmt.Fprintf(&b, "%s: %s\r\n", k, v)
		}
	}
	field("From", m.from)
	field("To", m.to)
	field("Cc", m.cc)
	field("Subject", m.subject)
	field("Date", m.date)
	field("Message-ID", m.id)
	field("In-Reply-To", m.inReplyTo)
	field("References", m.refs)
	b.WriteString("Content-Type: text/plain\r\n\r\n" + m.body + "\r\n")
	return []byte(b.String())
}

// rfc4731Env is a mailbox of 11 posts where 2, 10 and 11 are the ones
// FLAGGED SINCE 1-Feb-1994 NOT FROM "Smith" finds (5 is from Smith), as
// in the examples of RFC 4731 §3.1 and RFC 5182 §3.
func rfc4731Env(t *testing.T) (*env, *raw) {
	t.Helper()
	e := newEnv(t)
	for i := 1; i <= 11; i++ {
		from := "alice@example.test"
		if i == 5 {
			from = "Smith <smith@example.test>"
		}
		e.post(t, "team", post{from: from, subject: fmt.Sprintf("post %d", i), body: "x"}.bytes())
	}
	r := e.raw(t)
	r.login()
	if l := r.answer("s", `SELECT "Groups/Team"`); !strings.HasPrefix(l, "s OK") {
		t.Fatalf("SELECT: %q", l)
	}
	if l := r.answer("f", `STORE 2,5,10:11 +FLAGS.SILENT (\Flagged)`); !strings.HasPrefix(l, "f OK") {
		t.Fatalf("STORE: %q", l)
	}
	return e, r
}

const rfcKeys = `FLAGGED SINCE 1-Feb-1994 NOT FROM "Smith"`

// TestESearchRFC4731: the examples of RFC 4731 §3.1.
func TestESearchRFC4731(t *testing.T) {
	t.Parallel()
	_, r := rfc4731Env(t)
	cases := []struct{ tag, cmd, want string }{
		{"A282", "SEARCH RETURN (MIN COUNT) " + rfcKeys, `* ESEARCH (TAG "A282") MIN 2 COUNT 3`},
		{"A283", "SEARCH RETURN () " + rfcKeys, `* ESEARCH (TAG "A283") ALL 2,10:11`},
		{"A284", "SEARCH RETURN (MIN MAX) UNFLAGGED FLAGGED", `* ESEARCH (TAG "A284")`},
		{"A285", "SEARCH RETURN (MAX COUNT ALL) FROM smith", `* ESEARCH (TAG "A285") ALL 5 MAX 5 COUNT 1`},
	}
	for _, c := range cases {
		untagged, done := r.lines(c.tag, c.cmd)
		if !strings.HasPrefix(done, c.tag+" OK") || !reflect.DeepEqual(untagged, []string{c.want}) {
			t.Errorf("%s: %q %q, want %q", c.cmd, untagged, done, c.want)
		}
	}
	caps := r.capsOf("c")
	for _, c := range []string{"ESEARCH", "SEARCHRES", "LIST-EXTENDED", "LIST-STATUS", "SORT", "THREAD=ORDEREDSUBJECT", "THREAD=REFERENCES"} {
		if !strings.Contains(caps, " "+c+" ") {
			t.Errorf("CAPABILITY lacks %s: %q", c, caps)
		}
	}
}

// TestSearchResRFC5182: SAVE alone answers no ESEARCH and keeps the
// result for "$" (RFC 5182 §2.1, §3 examples), also pipelined; SAVE with
// MIN keeps only the minimum; UID SEARCH and UID FETCH use it too.
func TestSearchResRFC5182(t *testing.T) {
	t.Parallel()
	_, r := rfc4731Env(t)
	r.send("A282 SEARCH RETURN (SAVE) " + rfcKeys + "\r\nA283 FETCH $ (FLAGS)\r\n")
	if l := r.line(); l != "A282 OK SEARCH completed, result saved" {
		t.Fatalf("SAVE: %q, want no ESEARCH", l)
	}
	var got []string
	for l := r.line(); !strings.HasPrefix(l, "A283 "); l = r.line() {
		got = append(got, strings.Fields(l)[1])
	}
	if want := []string{"2", "10", "11"}; !reflect.DeepEqual(got, want) {
		t.Errorf("FETCH $: %v, want %v", got, want)
	}
	if u, _ := r.lines("A284", "SEARCH $ NOT 10"); !reflect.DeepEqual(u, []string{"* SEARCH 2 11"}) {
		t.Errorf("SEARCH $: %q", u)
	}
	if u, _ := r.lines("A300", "SEARCH RETURN (SAVE MIN) "+rfcKeys); !reflect.DeepEqual(u, []string{`* ESEARCH (TAG "A300") MIN 2`}) {
		t.Errorf("SAVE MIN: %q", u)
	}
	if u, _ := r.lines("A301", "SEARCH RETURN (COUNT) $"); !reflect.DeepEqual(u, []string{`* ESEARCH (TAG "A301") COUNT 1`}) {
		t.Errorf("$ after SAVE MIN: %q", u)
	}
	if l := r.answer("A302", "UID SEARCH RETURN (SAVE) FROM smith"); !strings.HasPrefix(l, "A302 OK") {
		t.Fatalf("UID SEARCH SAVE: %q", l)
	}
	if u, _ := r.lines("A303", "UID FETCH $ (FLAGS)"); len(u) != 1 || !strings.HasPrefix(u[0], "* 5 FETCH") {
		t.Errorf("UID FETCH $: %q", u)
	}
	if l := r.answer("A304", `SELECT "Groups/Team"`); !strings.HasPrefix(l, "A304 OK") {
		t.Fatal(l)
	}
	if u, _ := r.lines("A305", "SEARCH $"); !reflect.DeepEqual(u, []string{"* SEARCH"}) {
		t.Errorf("$ after SELECT is empty (RFC 5182 §2.1): %q", u)
	}
}

// TestESearchClient: go-imap's client asks RETURN (MIN MAX COUNT) and
// reads the ESEARCH answer (it does not send SAVE: see the raw tests).
func TestESearchClient(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var uids []uint32
	for i := 0; i < 4; i++ {
		uids = append(uids, e.post(t, "team", message(fmt.Sprintf("lunch %d", i), "body")))
	}
	c := e.login(t, "bob@example.test")
	mustSelect(t, c, "Groups/Team")
	if !c.Caps().Has(goimap.CapESearch) || !c.Caps().Has(goimap.CapSearchRes) {
		t.Errorf("caps %v", c.Caps())
	}
	d, err := c.UIDSearch(&goimap.SearchCriteria{Header: []goimap.SearchCriteriaHeaderField{{Key: "Subject", Value: "lunch"}},
		SeqNum: []goimap.SeqSet{goimap.SeqSetNum(2, 3, 4)}},
		&goimap.SearchOptions{ReturnMin: true, ReturnMax: true, ReturnCount: true}).Wait()
	if err != nil || d.Min != uids[1] || d.Max != uids[3] || d.Count != 3 {
		t.Fatalf("ESEARCH: %+v %v", d, err)
	}
	d, err = c.Search(&goimap.SearchCriteria{Header: []goimap.SearchCriteriaHeaderField{{Key: "Subject", Value: "lunch"}}},
		&goimap.SearchOptions{ReturnAll: true}).Wait()
	if err != nil || !reflect.DeepEqual(d.AllSeqNums(), []uint32{1, 2, 3, 4}) {
		t.Fatalf("ESEARCH ALL: %+v %v", d, err)
	}
}

// TestListStatus (RFC 5819): a user in 40 groups gets every group's
// counts with one LIST … RETURN (STATUS (…)), each STATUS after its LIST
// line, none for the \NoSelect "Groups"; INBOX is empty; a group whose
// posts the user read shows them seen.
func TestListStatus(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	const n = 40
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("g%02d", i)
		mkGroup(t, e.store, id, fmt.Sprintf("Group %02d", i), true, "bob@example.test")
		for k := 0; k < i%4; k++ {
			e.post(t, id, message(fmt.Sprintf("post %d", k), "x"))
		}
	}
	c := e.login(t, "bob@example.test")
	mustSelect(t, c, "Groups/Group 03")
	if _, err := c.Fetch(goimap.SeqSetNum(1), &goimap.FetchOptions{BodySection: []*goimap.FetchItemBodySection{{}}}).Collect(); err != nil {
		t.Fatal(err)
	}
	list, err := c.List("", "*", &goimap.ListOptions{ReturnStatus: &goimap.StatusOptions{NumMessages: true, NumUnseen: true, UIDNext: true}}).Collect()
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, l := range list {
		var id int
		switch _, err := fmt.Sscanf(l.Mailbox, "Groups/Group %d", &id); {
		case l.Mailbox == "Groups":
			if l.Status != nil {
				t.Errorf("STATUS for \\NoSelect Groups: %+v", l.Status)
			}
		case l.Mailbox == "INBOX":
			if l.Status == nil || *l.Status.NumMessages != 0 {
				t.Errorf("INBOX status %+v", l.Status)
			}
		case err == nil:
			seen++
			wantUnseen := uint32(id % 4)
			if id == 3 {
				wantUnseen--
			}
			if s := l.Status; s == nil || *s.NumMessages != uint32(id%4) || *s.NumUnseen != wantUnseen || s.UIDNext == 0 {
				t.Errorf("%s: status %+v, want %d messages, %d unseen", l.Mailbox, s, id%4, wantUnseen)
			}
		}
	}
	if seen != n {
		t.Errorf("%d group mailboxes with STATUS, want %d", seen, n)
	}
}

// TestListStatusRaw: the wire form of RFC 5819 §2's example, and LIST
// (SPECIAL-USE) finds nothing (no mailbox has a special use).
func TestListStatusRaw(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.post(t, "team", message("one", "x"))
	e.post(t, "team", message("two", "x"))
	r := e.raw(t)
	r.login()
	untagged, done := r.lines("A01", `LIST "" % RETURN (STATUS (MESSAGES UNSEEN))`)
	want := []string{`* LIST (\HasNoChildren) "/" INBOX`, `* STATUS INBOX (MESSAGES 0 UNSEEN 0)`, `* LIST (\Noselect \HasChildren) "/" "Groups"`}
	if !strings.HasPrefix(done, "A01 OK") || strings.Join(untagged, "\n") != strings.Join(want, "\n") {
		t.Errorf("LIST %%: %q %q, want %q", untagged, done, want)
	}
	untagged, _ = r.lines("A02", `LIST "" "Groups/%" RETURN (STATUS (MESSAGES UNSEEN))`)
	want = []string{`* LIST (\HasNoChildren) "/" "Groups/Team"`, `* STATUS "Groups/Team" (MESSAGES 2 UNSEEN 2)`}
	if strings.Join(untagged, "\n") != strings.Join(want, "\n") {
		t.Errorf("LIST Groups/%%: %q, want %q", untagged, want)
	}
	if untagged, done := r.lines("A03", `LIST (SPECIAL-USE) "" "*"`); len(untagged) != 0 || !strings.HasPrefix(done, "A03 OK") {
		t.Errorf("LIST (SPECIAL-USE): %q %q", untagged, done)
	}
}
