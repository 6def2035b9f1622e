package imap

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// sortEnv is a mailbox of four posts, each first or last by some key.
func sortEnv(t *testing.T) (*env, *raw, []uint32) {
	t.Helper()
	e := newEnv(t)
	posts := []post{
		{from: "zed@example.test", to: "b@example.test", cc: "c@example.test", subject: "Re: apple",
			date: "Mon, 02 Jan 2006 10:00:00 +0000", body: strings.Repeat("x", 300)},
		{from: "Alice <amy@example.test>", to: "a@example.test", subject: "banana",
			date: "Sun, 01 Jan 2006 10:00:00 +0000", body: strings.Repeat("x", 1000)},
		{from: "bob@example.test", to: "c@example.test", cc: "a@example.test", subject: "[team] Apple",
			date: "Tue, 03 Jan 2006 10:00:00 +0000", body: strings.Repeat("x", 100)},
		{from: "carl@example.test", subject: "Fwd: cherry", body: strings.Repeat("x", 600)}, // no Date: arrival
	}
	var uids []uint32
	for _, p := range posts {
		uids = append(uids, e.post(t, "team", p.bytes()))
	}
	r := e.raw(t)
	r.login()
	if l := r.answer("s", `SELECT "Groups/Team"`); !strings.HasPrefix(l, "s OK") {
		t.Fatalf("SELECT: %q", l)
	}
	return e, r, uids
}

// TestSort: each sort key of RFC 5256 §3, REVERSE, ties in mailbox
// order, search keys, both charsets, UID SORT, and the RFC's examples of
// a SORT that finds nothing.
func TestSort(t *testing.T) {
	t.Parallel()
	_, r, _ := sortEnv(t)
	cases := []struct{ cmd, want string }{
		{"SORT (SUBJECT) UTF-8 ALL", "* SORT 1 3 2 4"},
		{"SORT (DATE) UTF-8 ALL", "* SORT 2 1 3 4"},
		{"SORT (REVERSE DATE) UTF-8 ALL", "* SORT 4 3 1 2"},
		{"SORT (SUBJECT REVERSE DATE) UTF-8 ALL", "* SORT 3 1 2 4"},
		{"SORT (FROM) UTF-8 ALL", "* SORT 2 3 4 1"},
		{"SORT (TO) UTF-8 ALL", "* SORT 4 2 1 3"},
		{"SORT (CC) UTF-8 ALL", "* SORT 2 4 3 1"},
		{"SORT (SIZE) UTF-8 ALL", "* SORT 3 1 4 2"},
		{"SORT (REVERSE SIZE) UTF-8 ALL", "* SORT 2 4 1 3"},
		{"SORT (ARRIVAL) UTF-8 ALL", "* SORT 1 2 3 4"},
		{`SORT (DATE) US-ASCII SUBJECT apple`, "* SORT 1 3"},
		{`sort (date) "utf-8" NOT 2:3`, "* SORT 1 4"},
		{`SORT (SUBJECT) US-ASCII TEXT "not in mailbox"`, "* SORT"}, // RFC 5256 §4, A284
	}
	for i, c := range cases {
		tag := "t" + string(rune('a'+i))
		untagged, done := r.lines(tag, c.cmd)
		if !reflect.DeepEqual(untagged, []string{c.want}) || done != tag+" OK SORT completed" {
			t.Errorf("%s: %q %q, want %q", c.cmd, untagged, done, c.want)
		}
	}
	bad := []struct{ cmd, want string }{
		{"SORT (DATE) ISO-8859-1 ALL", "NO [BADCHARSET]"},
		{"SORT (FOO) UTF-8 ALL", "BAD"},
		{"SORT (REVERSE) UTF-8 ALL", "BAD"},
		{"SORT DATE UTF-8 ALL", "BAD"},
		{"SORT (DATE) UTF-8", "BAD"},
	}
	for i, c := range bad {
		tag := "u" + string(rune('a'+i))
		if l := r.answer(tag, c.cmd); !strings.HasPrefix(l, tag+" "+c.want) {
			t.Errorf("%s: %q, want %s", c.cmd, l, c.want)
		}
	}
}

// TestSortUIDAndLiteral: UID SORT answers UIDs; a search key sent as a
// literal works; SORT outside the selected state is BAD.
func TestSortUIDAndLiteral(t *testing.T) {
	t.Parallel()
	e, r, uids := sortEnv(t)
	untagged, _ := r.lines("a", "UID SORT (REVERSE DATE) UTF-8 ALL")
	if want := "* SORT " + join(uids[3], uids[2], uids[0], uids[1]); !reflect.DeepEqual(untagged, []string{want}) {
		t.Errorf("UID SORT: %q, want %q", untagged, want)
	}
	r.send("b SORT (DATE) UTF-8 SUBJECT {5}\r\n")
	if l := r.line(); !strings.HasPrefix(l, "+") {
		t.Fatalf("literal: %q", l)
	}
	r.send("apple\r\n")
	var untagged2 []string
	var done string
	for l := r.line(); ; l = r.line() {
		if strings.HasPrefix(l, "b ") {
			done = l
			break
		}
		untagged2 = append(untagged2, l)
	}
	if !reflect.DeepEqual(untagged2, []string{"* SORT 1 3"}) || done != "b OK SORT completed" {
		t.Errorf("SORT with a literal: %q %q", untagged2, done)
	}
	r2 := e.raw(t)
	r2.login()
	if l := r2.answer("c", "SORT (DATE) UTF-8 ALL"); !strings.HasPrefix(l, "c BAD") {
		t.Errorf("SORT without a mailbox: %q", l)
	}
}

// TestSortPipelined: SORT and THREAD answer in their turn among
// pipelined commands.
func TestSortPipelined(t *testing.T) {
	t.Parallel()
	_, r, _ := sortEnv(t)
	r.send("p1 SORT (DATE) UTF-8 ALL\r\np2 NOOP\r\np3 THREAD ORDEREDSUBJECT UTF-8 ALL\r\np4 SEARCH 1\r\n")
	want := []string{"* SORT 2 1 3 4", "p1 OK SORT completed", "p2 OK NOOP completed",
		"* THREAD (2)(1 3)(4)", "p3 OK THREAD completed", "* SEARCH 1", "p4 OK SEARCH completed"}
	var got []string
	for len(got) < len(want) {
		got = append(got, r.line())
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("pipelined: %q, want %q", got, want)
	}
}

// TestSortClient: go-imap's client (Sort, UIDSort) reads the answer.
func TestSortClient(t *testing.T) {
	t.Parallel()
	e, _, uids := sortEnv(t)
	c := e.login(t, "bob@example.test")
	mustSelect(t, c, "Groups/Team")
	all := goimap.SearchCriteria{}
	nums, err := c.Sort(&imapclient.SortOptions{SearchCriteria: &all,
		SortCriteria: []imapclient.SortCriterion{{Key: imapclient.SortKeyFrom}}}).Wait()
	if err != nil || !reflect.DeepEqual(nums, []uint32{2, 3, 4, 1}) {
		t.Errorf("SORT FROM: %v %v", nums, err)
	}
	nums, err = c.UIDSort(&imapclient.SortOptions{SearchCriteria: &all,
		SortCriteria: []imapclient.SortCriterion{{Key: imapclient.SortKeySubject, Reverse: true}}}).Wait()
	if want := []uint32{uids[3], uids[1], uids[0], uids[2]}; err != nil || !reflect.DeepEqual(nums, want) {
		t.Errorf("UID SORT REVERSE SUBJECT: %v %v, want %v", nums, err, want)
	}
}

// join writes numbers as a SORT response does.
func join(nums ...uint32) string {
	var out []string
	for _, n := range nums {
		out = append(out, fmt.Sprint(n))
	}
	return strings.Join(out, " ")
}

// TestExtRewrite: the guard's rewriting of SORT, THREAD and SEARCH
// RETURN (SAVE) into a marked SEARCH (sortcmd.go); other lines pass.
func TestExtRewrite(t *testing.T) {
	t.Parallel()
	x := newExtTable()
	k := x.key
	cases := []struct{ in, want, answer string }{
		{"t SORT (DATE) UTF-8 ALL", "t SEARCH CHARSET UTF-8 HEADER " + k + " 1 ALL", ""},
		{`t UID THREAD REFERENCES "UTF-8" SUBJECT {5}`, `t UID SEARCH CHARSET "UTF-8" HEADER ` + k + " 2 SUBJECT {5}", ""},
		{"t SEARCH RETURN (SAVE) CHARSET UTF-8 ALL", "t SEARCH RETURN (SAVE) CHARSET UTF-8 HEADER " + k + " 3 ALL", ""},
		{"t UID SEARCH RETURN (save) 1:*", "t UID SEARCH RETURN (save) HEADER " + k + " 4 1:*", ""},
		{"t SEARCH RETURN (SAVE MIN) ALL", "", ""},
		{"t SEARCH ALL", "", ""},
		{"t UID FETCH 1 FLAGS", "", ""},
		{"t SORT DATE UTF-8 ALL", "", "BAD [CLIENTBUG] SORT needs"},
		{"t SORT (DATE) {5}", "", "BAD [CLIENTBUG] SORT needs"},
		{"t THREAD REFERENCES UTF-8", "", "BAD [CLIENTBUG] THREAD needs search keys"},
	}
	for _, c := range cases {
		line, answer, ok := x.rewrite([]byte(c.in + "\r\n"))
		if got := strings.TrimSuffix(string(line), "\r\n"); got != c.want || !strings.HasPrefix(answer, c.answer) ||
			ok != (c.want != "" || c.answer != "") {
			t.Errorf("%q: %q %q %v, want %q %q", c.in, got, answer, ok, c.want, c.answer)
		}
	}
}

// TestSortDateRules: sent dates compare in UTC, and a post whose Date:
// cannot be parsed sorts by its arrival instead (RFC 5256 §2.2).
func TestSortDateRules(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.post(t, "team", post{from: "a@example.test", subject: "bad date", date: "not a date", body: "x"}.bytes())
	e.post(t, "team", post{from: "a@example.test", subject: "later", date: "Mon, 02 Jan 2006 09:00:00 +0000", body: "x"}.bytes())
	e.post(t, "team", post{from: "a@example.test", subject: "earlier", date: "Mon, 02 Jan 2006 10:00:00 +0200", body: "x"}.bytes())
	r := e.raw(t)
	r.login()
	r.answer("s", `SELECT "Groups/Team"`)
	if u, _ := r.lines("a", "SORT (DATE) UTF-8 ALL"); !reflect.DeepEqual(u, []string{"* SORT 3 2 1"}) {
		t.Errorf("SORT (DATE): %q, want 3 2 1", u)
	}
}
