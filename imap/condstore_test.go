package imap

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	goimap "github.com/emersion/go-imap/v2"

	"groupd/groups"
)

// condEnv is the team archive with n posts and bob's raw session with
// it selected under CONDSTORE; it returns the HIGHESTMODSEQ and
// UIDVALIDITY the SELECT gave.
func condEnv(t *testing.T, n int, params string) (e *env, r *raw, highest uint64, validity string) {
	t.Helper()
	e = newEnv(t)
	for i := 1; i <= n; i++ {
		e.post(t, "team", message(fmt.Sprintf("post %d", i), "x"))
	}
	r = e.raw(t)
	r.login()
	un, done := r.lines("s", `SELECT "Groups/Team" `+params)
	if !strings.HasPrefix(done, "s OK [READ-WRITE]") {
		t.Fatalf("SELECT: %q", done)
	}
	return e, r, highestOf(t, un), codeValue(t, un, "UIDVALIDITY")
}

// codeValue finds "* OK [CODE value]" among lines.
func codeValue(t *testing.T, lines []string, code string) string {
	t.Helper()
	for _, l := range lines {
		if v, ok := strings.CutPrefix(l, "* OK ["+code+" "); ok {
			return v[:strings.IndexByte(v, ']')]
		}
	}
	t.Fatalf("no %s in %q", code, lines)
	return ""
}

func highestOf(t *testing.T, lines []string) uint64 {
	t.Helper()
	n, err := strconv.ParseUint(codeValue(t, lines, "HIGHESTMODSEQ"), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

var fetchUID = regexp.MustCompile(`^\* \d+ FETCH \(.*UID (\d+)`)

// fetchedUIDs lists the UIDs of the FETCH responses among lines.
func fetchedUIDs(lines []string) []string {
	var out []string
	for _, l := range lines {
		if m := fetchUID.FindStringSubmatch(l); m != nil {
			out = append(out, m[1])
		}
	}
	return out
}

// TestCondstoreCapabilityAndEnable: CONDSTORE and QRESYNC are advertised
// once logged in (RFC 7162 §3.1, §3.2); ENABLE lists what it enabled
// (RFC 5161 §3.1), QRESYNC alone when it implies CONDSTORE (§3.2.3).
func TestCondstoreCapabilityAndEnable(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := e.raw(t)
	if caps := r.capsOf("c0"); strings.Contains(caps, "CONDSTORE") {
		t.Fatalf("before login: %q", caps)
	}
	if un, done := r.lines("e0", "ENABLE CONDSTORE"); len(un) != 0 || strings.HasPrefix(done, "e0 OK") {
		t.Fatalf("ENABLE before login: %q %q", un, done)
	}
	r.login()
	caps := r.capsOf("c1")
	if !strings.Contains(caps, " CONDSTORE") || !strings.Contains(caps, " QRESYNC") {
		t.Fatalf("capabilities %q", caps)
	}
	if un, done := r.lines("e1", "ENABLE QRESYNC"); !slices.Equal(un, []string{"* ENABLED QRESYNC"}) || !strings.HasPrefix(done, "e1 OK") {
		t.Fatalf("ENABLE QRESYNC: %q %q", un, done)
	}
	if un, _ := r.lines("e2", "ENABLE CONDSTORE QRESYNC"); !slices.Equal(un, []string{"* ENABLED"}) {
		t.Fatalf("ENABLE again: %q", un)
	}
	// Once enabled, a plain SELECT has HIGHESTMODSEQ (§3.1.2.1).
	un, _ := r.lines("s", `EXAMINE "Groups/Team"`)
	if highestOf(t, un) != 1 {
		t.Fatalf("empty mailbox: %q", un)
	}
}

// TestCondstoreRFCExamples follows RFC 7162's examples where they fit a
// read-only archive: FETCH MODSEQ (§3.1.4.2, example 6), CHANGEDSINCE
// (§3.1.4.1, example 7), STORE UNCHANGEDSINCE with MODIFIED and .SILENT
// (§3.1.3, examples 3 and 4), SEARCH MODSEQ (§3.1.5, example 9) and its
// ESEARCH form, STATUS HIGHESTMODSEQ (§3.1.6, example 11). \Deleted, used
// by several of them, is refused here, so \Flagged stands in.
func TestCondstoreRFCExamples(t *testing.T) {
	t.Parallel()
	_, r, h0, _ := condEnv(t, 9, "(CONDSTORE)")
	if h0 != 9*groups.ImapArrivalStep {
		t.Fatalf("HIGHESTMODSEQ %d", h0)
	}
	modseqOf := func(l string) uint64 {
		m := regexp.MustCompile(`MODSEQ \((\d+)\)`).FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("no MODSEQ in %q", l)
		}
		n, _ := strconv.ParseUint(m[1], 10, 64)
		return n
	}
	// Example 6: FETCH 1:3 (MODSEQ).
	un, _ := r.lines("a", "FETCH 1:3 (MODSEQ)")
	if len(un) != 3 || modseqOf(un[2]) != 3*groups.ImapArrivalStep {
		t.Fatalf("FETCH MODSEQ: %q", un)
	}
	// With message bodies (literals) between the responses, each has it.
	un, _ = r.lines("a2", "FETCH 1:2 (BODY.PEEK[HEADER.FIELDS (Subject)] MODSEQ)")
	if len(un) != 8 || modseqOf(un[0]) != groups.ImapArrivalStep || modseqOf(un[4]) != 2*groups.ImapArrivalStep {
		t.Fatalf("FETCH with literals: %q", un)
	}
	// Example 3: a conditional STORE on 7 and 5 that succeeds; 9 changed
	// since the client's value, so it fails for 9 (example 4's MODIFIED).
	un, done := r.lines("b", `STORE 9 +FLAGS (\Seen)`)
	m9 := modseqOf(un[0])
	un, done = r.lines("c", fmt.Sprintf(`STORE 7,5,9 (UNCHANGEDSINCE %d) +FLAGS.SILENT (\Flagged)`, h0))
	if done != "c OK [MODIFIED 9] Conditional STORE failed" || len(un) != 2 ||
		!strings.HasPrefix(un[0], "* 5 FETCH (MODSEQ (") || !strings.HasPrefix(un[1], "* 7 FETCH (MODSEQ (") ||
		strings.Contains(un[0], "FLAGS") {
		t.Fatalf("conditional STORE: %q %q", un, done)
	}
	m57 := modseqOf(un[0])
	if m57 <= m9 || modseqOf(un[1]) != m57 {
		t.Fatalf("mod-sequences %d then %d: %q", m9, m57, un)
	}
	// UNCHANGEDSINCE 0 always fails (§3.1.3).
	if done := r.answer("d", `UID STORE 1,2 (UNCHANGEDSINCE 0) +FLAGS (\Seen)`); done != "d OK [MODIFIED 1,2] Conditional STORE failed" {
		t.Fatalf("UNCHANGEDSINCE 0: %q", done)
	}
	// Example 7: FETCH 1:* (FLAGS) (CHANGEDSINCE h0): only what changed.
	un, _ = r.lines("e", fmt.Sprintf("FETCH 1:* (FLAGS) (CHANGEDSINCE %d)", h0))
	if got := fetchedUIDs(un); !slices.Equal(got, []string{"5", "7", "9"}) {
		t.Fatalf("CHANGEDSINCE: %q", un)
	}
	// Example 9: SEARCH MODSEQ, with the highest mod-sequence found.
	un, _ = r.lines("f", fmt.Sprintf("SEARCH MODSEQ %d", m9))
	want := fmt.Sprintf("* SEARCH 5 7 9 (MODSEQ %d)", m57)
	if len(un) != 1 || un[0] != want {
		t.Fatalf("SEARCH MODSEQ: %q, want %q", un, want)
	}
	un, _ = r.lines("g", fmt.Sprintf(`UID SEARCH RETURN (COUNT) MODSEQ "/flags/\\flagged" all %d`, m57))
	if len(un) != 1 || un[0] != fmt.Sprintf(`* ESEARCH (TAG "g") UID COUNT 2 MODSEQ %d`, m57) {
		t.Fatalf("ESEARCH MODSEQ: %q", un)
	}
	if un, _ = r.lines("h", fmt.Sprintf("SEARCH NOT MODSEQ %d", m9)); len(un) != 1 || un[0] != fmt.Sprintf("* SEARCH 1 2 3 4 6 8 (MODSEQ %d)", 8*groups.ImapArrivalStep) {
		t.Fatalf("NOT MODSEQ: %q", un)
	}
	if un, _ = r.lines("i", fmt.Sprintf("SEARCH MODSEQ %d", m57+1)); len(un) != 1 || un[0] != "* SEARCH" {
		t.Fatalf("nothing found: %q", un)
	}
	// Example 11: STATUS (HIGHESTMODSEQ).
	if un, _ = r.lines("j", `STATUS "Groups/Team" (UIDNEXT HIGHESTMODSEQ)`); len(un) != 1 ||
		un[0] != fmt.Sprintf(`* STATUS "Groups/Team" (UIDNEXT 10 HIGHESTMODSEQ %d)`, m57) {
		t.Fatalf("STATUS: %q", un)
	}
	// The same item in LIST-STATUS (RFC 5819 §2): each STATUS has it.
	un, _ = r.lines("k", `LIST "" "*" RETURN (STATUS (HIGHESTMODSEQ MESSAGES))`)
	want = fmt.Sprintf(`* STATUS "Groups/Team" (MESSAGES 9 HIGHESTMODSEQ %d)`, m57)
	if !slices.Contains(un, want) || !slices.Contains(un, `* STATUS INBOX (MESSAGES 0 HIGHESTMODSEQ 1)`) {
		t.Fatalf("LIST-STATUS: %q", un)
	}
	if un, _ = r.lines("l", `LIST "" "*" RETURN (STATUS (MESSAGES))`); !slices.Contains(un, `* STATUS "Groups/Team" (MESSAGES 9)`) {
		t.Fatalf("LIST-STATUS without it: %q", un)
	}
}

// TestCondstoreGoIMAPClient: go-imap's own client (which speaks
// CONDSTORE but not QRESYNC) reads HIGHESTMODSEQ from SELECT and STATUS,
// MODSEQ from FETCH, fetches CHANGEDSINCE and stores UNCHANGEDSINCE.
func TestCondstoreGoIMAPClient(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for i := 1; i <= 4; i++ {
		e.post(t, "team", message(fmt.Sprintf("post %d", i), "x"))
	}
	c := e.login(t, "bob@example.test")
	if !c.Caps().Has(goimap.CapCondStore) || !c.Caps().Has(goimap.CapQResync) {
		t.Fatalf("caps %v", c.Caps())
	}
	st, err := c.Status("Groups/Team", &goimap.StatusOptions{HighestModSeq: true, NumMessages: true}).Wait()
	if err != nil || st.HighestModSeq != 4*groups.ImapArrivalStep {
		t.Fatalf("STATUS %+v %v", st, err)
	}
	sel, err := c.Select("Groups/Team", &goimap.SelectOptions{CondStore: true}).Wait()
	if err != nil || sel.HighestModSeq != st.HighestModSeq {
		t.Fatalf("SELECT %+v %v", sel, err)
	}
	stored, err := c.Store(goimap.SeqSetNum(2), &goimap.StoreFlags{Op: goimap.StoreFlagsAdd, Flags: []goimap.Flag{goimap.FlagFlagged}},
		&goimap.StoreOptions{UnchangedSince: sel.HighestModSeq}).Collect()
	if err != nil || len(stored) != 1 || stored[0].ModSeq <= sel.HighestModSeq {
		t.Fatalf("STORE UNCHANGEDSINCE: %+v %v", stored, err)
	}
	msgs, err := c.Fetch(goimap.SeqSetNum(1, 2, 3, 4), &goimap.FetchOptions{Flags: true, ModSeq: true, ChangedSince: sel.HighestModSeq}).Collect()
	if err != nil || len(msgs) != 1 || msgs[0].SeqNum != 2 || msgs[0].ModSeq != stored[0].ModSeq {
		t.Fatalf("FETCH CHANGEDSINCE: %+v %v", msgs, err)
	}
	_, err = c.Store(goimap.SeqSetNum(2), &goimap.StoreFlags{Op: goimap.StoreFlagsAdd, Flags: []goimap.Flag{goimap.FlagSeen}},
		&goimap.StoreOptions{UnchangedSince: sel.HighestModSeq}).Collect()
	if err != nil {
		t.Fatalf("refused conditional STORE: %v", err) // OK [MODIFIED 2]: no error, nothing changed
	}
	msgs, err = c.Fetch(goimap.SeqSetNum(2), &goimap.FetchOptions{Flags: true}).Collect()
	if err != nil || len(msgs) != 1 || slices.Contains(msgs[0].Flags, goimap.FlagSeen) {
		t.Fatalf("message 2 after the refused STORE: %+v %v", msgs, err)
	}
	data, err := c.Search(&goimap.SearchCriteria{ModSeq: &goimap.SearchCriteriaModSeq{ModSeq: stored[0].ModSeq}}, nil).Wait()
	if err != nil || !slices.Equal(data.AllSeqNums(), []uint32{2}) || data.ModSeq != stored[0].ModSeq {
		t.Fatalf("SEARCH MODSEQ: %+v %v", data, err)
	}
}
