package imap

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	goimap "github.com/emersion/go-imap/v2"

	"groupd/groups"
)

// TestQresyncNeedsEnable: the QRESYNC parameter before ENABLE QRESYNC is
// BAD (RFC 7162 §3.2.5), VANISHED likewise (§3.2.6); the session goes on.
func TestQresyncNeedsEnable(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.post(t, "team", message("one", "1"))
	r := e.raw(t)
	r.login()
	if l := r.answer("s1", `SELECT "Groups/Team" (QRESYNC (1 1))`); !strings.HasPrefix(l, "s1 BAD") {
		t.Fatalf("QRESYNC without ENABLE: %q", l)
	}
	if l := r.answer("s2", `SELECT "Groups/Team" (CONDSTORE)`); !strings.HasPrefix(l, "s2 OK") {
		t.Fatalf("SELECT (CONDSTORE): %q", l)
	}
	if l := r.answer("f1", `UID FETCH 1:* FLAGS (CHANGEDSINCE 1 VANISHED)`); !strings.HasPrefix(l, "f1 BAD") {
		t.Fatalf("VANISHED without QRESYNC: %q", l)
	}
	if l := r.answer("f2", `FETCH 1:* FLAGS (CHANGEDSINCE 1 VANISHED)`); !strings.HasPrefix(l, "f2 BAD") {
		t.Fatalf("VANISHED without UID: %q", l)
	}
	if l := r.answer("f3", `FETCH 1 FLAGS (NONSENSE)`); !strings.HasPrefix(l, "f3 BAD") {
		t.Fatalf("unknown modifier: %q", l)
	}
	if l := r.answer("n", "NOOP"); !strings.HasPrefix(l, "n OK") {
		t.Fatalf("NOOP: %q", l)
	}
}

// TestQresyncReportsChangedUIDs: bob's phone knew the archive at some
// HIGHESTMODSEQ; his laptop then changed the flags of three posts, and
// alice changed hers. SELECT … (QRESYNC …) gives the phone exactly those
// three, with their flags and MODSEQ, and no VANISHED (RFC 7162 §3.2.5).
func TestQresyncReportsChangedUIDs(t *testing.T) {
	t.Parallel()
	e, phone, h0, validity := condEnv(t, 20, "(CONDSTORE)")
	phone.answer("x", "LOGOUT")
	laptop := e.login(t, "bob@example.test")
	mustSelect(t, laptop, "Groups/Team")
	for _, set := range []string{"3", "11", "17"} {
		var uids goimap.UIDSet
		n, _ := strconv.Atoi(set)
		uids.AddNum(goimap.UID(n))
		if _, err := laptop.Store(uids, &goimap.StoreFlags{Op: goimap.StoreFlagsAdd, Flags: []goimap.Flag{"$Important"}}, nil).Collect(); err != nil {
			t.Fatal(err)
		}
	}
	alice := e.login(t, "alice@example.test")
	mustSelect(t, alice, "Groups/Team")
	if _, err := alice.Store(goimap.SeqSetNum(5), &goimap.StoreFlags{Op: goimap.StoreFlagsAdd, Flags: []goimap.Flag{goimap.FlagSeen}}, nil).Collect(); err != nil {
		t.Fatal(err)
	}
	r := e.raw(t)
	r.login()
	r.answer("e", "ENABLE QRESYNC")
	un, done := r.lines("s", fmt.Sprintf(`SELECT "Groups/Team" (QRESYNC (%s %d 1:20))`, validity, h0))
	if !strings.HasPrefix(done, "s OK") || !slices.Equal(fetchedUIDs(un), []string{"3", "11", "17"}) {
		t.Fatalf("QRESYNC: %q %q", un, done)
	}
	for _, l := range un {
		if strings.HasPrefix(l, "* VANISHED") {
			t.Fatalf("nothing was removed: %q", l)
		}
		if strings.Contains(l, " FETCH ") && (!strings.Contains(l, "FLAGS ($Important)") || !strings.Contains(l, "MODSEQ (")) {
			t.Fatalf("FETCH %q", l)
		}
	}
	if h := highestOf(t, un); h <= h0 {
		t.Fatalf("HIGHESTMODSEQ %d after changes, was %d", h, h0)
	}
	// With its new HIGHESTMODSEQ, nothing more.
	r.answer("u", "UNSELECT")
	un2, _ := r.lines("s2", fmt.Sprintf(`EXAMINE "Groups/Team" (QRESYNC (%s %d))`, validity, highestOf(t, un)))
	if got := fetchedUIDs(un2); len(got) != 0 {
		t.Fatalf("second QRESYNC: %q", un2)
	}
	// Another UIDVALIDITY: a plain SELECT (§3.2.5).
	un3, _ := r.lines("s3", fmt.Sprintf(`EXAMINE "Groups/Team" (QRESYNC (%d %d))`, 7, h0))
	if got := fetchedUIDs(un3); len(got) != 0 || un3[0] != "* OK [CLOSED] Previous mailbox is now closed" {
		t.Fatalf("other UIDVALIDITY: %q", un3)
	}
}

// TestQresyncAfterPurge: a purge moves HIGHESTMODSEQ, and QRESYNC then
// reports the removed UIDs as VANISHED (EARLIER) (RFC 7162 §3.2.5.1,
// §3.2.10), as does UID FETCH … (CHANGEDSINCE … VANISHED) (§3.2.6); a
// post after the purge is a changed message.
func TestQresyncAfterPurge(t *testing.T) {
	t.Parallel()
	e, r, h0, validity := condEnv(t, 6, "(CONDSTORE)")
	r.answer("x", "LOGOUT")
	if err := e.store.Purge(bg(), userActor("alice@example.test"), "team", []string{groups.FeatureMessage}); err != nil {
		t.Fatal(err)
	}
	uid := e.post(t, "team", message("after", "x"))
	r = e.raw(t)
	r.login()
	r.answer("e", "ENABLE QRESYNC")
	un, _ := r.lines("s", fmt.Sprintf(`SELECT "Groups/Team" (QRESYNC (%s %d))`, validity, h0))
	if !slices.Contains(un, "* VANISHED (EARLIER) 1:6") || !slices.Equal(fetchedUIDs(un), []string{strconv.Itoa(int(uid))}) {
		t.Fatalf("QRESYNC after purge: %q", un)
	}
	if h := highestOf(t, un); h <= h0 {
		t.Fatalf("HIGHESTMODSEQ %d, was %d", h, h0)
	}
	un, _ = r.lines("f", fmt.Sprintf("UID FETCH 1:* (FLAGS) (CHANGEDSINCE %d VANISHED)", h0))
	if len(un) != 2 || un[0] != "* VANISHED (EARLIER) 1:6" || !strings.HasPrefix(un[1], "* 1 FETCH (MODSEQ (") {
		t.Fatalf("UID FETCH VANISHED: %q", un)
	}
	// "*" reaches the last UID given, also when its message is gone.
	if err := e.store.Purge(bg(), userActor("alice@example.test"), "team", []string{groups.FeatureMessage}); err != nil {
		t.Fatal(err)
	}
	r = e.raw(t)
	r.login()
	r.answer("e", "ENABLE QRESYNC")
	r.answer("s", `EXAMINE "Groups/Team"`)
	if un, _ = r.lines("f", fmt.Sprintf("UID FETCH 1:* (FLAGS) (CHANGEDSINCE %d VANISHED)", h0)); len(un) != 1 || un[0] != "* VANISHED (EARLIER) 1:7" {
		t.Fatalf("UID FETCH VANISHED of an empty mailbox: %q", un)
	}
	// known-uids narrows what is reported.
	un, _ = r.lines("s2", fmt.Sprintf(`EXAMINE "Groups/Team" (QRESYNC (%s %d 2:3,5))`, validity, h0))
	if !slices.Contains(un, "* VANISHED (EARLIER) 2:3,5") || len(fetchedUIDs(un)) != 0 {
		t.Fatalf("known-uids: %q", un)
	}
}

// TestQresyncTenThousand: a phone resynchronising a 10,000-post group
// after one flag change receives one FETCH, not 10,000.
func TestQresyncTenThousand(t *testing.T) {
	if testing.Short() {
		t.Skip("10,000 posts")
	}
	e := newEnv(t)
	for i := 1; i <= 10000; i++ {
		e.post(t, "team", []byte(fmt.Sprintf("Subject: %d\r\n\r\nx\r\n", i)))
	}
	r := e.raw(t)
	r.login()
	r.answer("e", "ENABLE QRESYNC")
	un, _ := r.lines("s", `EXAMINE "Groups/Team"`)
	h0, validity := highestOf(t, un), codeValue(t, un, "UIDVALIDITY")
	r.answer("x", "LOGOUT")
	other := e.login(t, "bob@example.test")
	mustSelect(t, other, "Groups/Team")
	if _, err := other.Store(goimap.SeqSetNum(4321), &goimap.StoreFlags{Op: goimap.StoreFlagsAdd, Flags: []goimap.Flag{goimap.FlagSeen}}, nil).Collect(); err != nil {
		t.Fatal(err)
	}
	r = e.raw(t)
	r.login()
	r.answer("e", "ENABLE QRESYNC")
	start := time.Now()
	un, done := r.lines("s", fmt.Sprintf(`SELECT "Groups/Team" (QRESYNC (%s %d 1:10000))`, validity, h0))
	took := time.Since(start)
	if !strings.HasPrefix(done, "s OK") || !slices.Equal(fetchedUIDs(un), []string{"4321"}) || len(un) != 8 {
		t.Fatalf("QRESYNC of 10,000: %d lines, FETCHes %q", len(un), fetchedUIDs(un))
	}
	t.Logf("QRESYNC SELECT of 10,000 posts after one change: %v, %d lines", took, len(un))
}

// TestFlagChangeReachesIdle: bob's change in one session reaches his
// other session in IDLE, with the new MODSEQ (RFC 7162 §3.1.4.2, RFC 3501
// §7.4.2); alice's changes do not (flags are per user), and bob's own
// session is not told twice of its own STORE.
func TestFlagChangeReachesIdle(t *testing.T) {
	t.Parallel()
	e, r, _, _ := condEnv(t, 3, "(CONDSTORE)")
	alice := e.login(t, "alice@example.test")
	mustSelect(t, alice, "Groups/Team")
	if _, err := alice.Store(goimap.SeqSetNum(1), &goimap.StoreFlags{Op: goimap.StoreFlagsAdd, Flags: []goimap.Flag{goimap.FlagFlagged}}, nil).Collect(); err != nil {
		t.Fatal(err)
	}
	r.send("i IDLE\r\n")
	if l := r.line(); !strings.HasPrefix(l, "+") {
		t.Fatalf("IDLE: %q", l)
	}
	other := e.login(t, "bob@example.test")
	mustSelect(t, other, "Groups/Team")
	res, err := other.Store(goimap.SeqSetNum(2), &goimap.StoreFlags{Op: goimap.StoreFlagsAdd, Flags: []goimap.Flag{goimap.FlagSeen}},
		&goimap.StoreOptions{}).Collect()
	if err != nil || len(res) != 1 {
		t.Fatal(err, res)
	}
	l := r.line()
	if !strings.HasPrefix(l, "* 2 FETCH (MODSEQ (") || !strings.Contains(l, `UID 2 FLAGS (\Seen)`) {
		t.Fatalf("in IDLE: %q", l)
	}
	r.send("DONE\r\n")
	if l := r.until("i "); !strings.HasPrefix(l, "i OK") {
		t.Fatalf("IDLE end: %q", l)
	}
	// bob's own STORE: answered once, not again at the next NOOP.
	r.lines("s", `STORE 3 +FLAGS (\Answered)`)
	time.Sleep(100 * time.Millisecond) // the change feed's round
	if un, _ := r.lines("n", "NOOP"); len(un) != 0 {
		t.Fatalf("NOOP after own STORE: %q", un)
	}
}

// TestQresyncPurgeWhileSelected: after ENABLE QRESYNC a purge reaches a
// session that has the archive open as VANISHED (RFC 7162 §3.2.10), not
// BYE, and the session goes on: a later post is message 1. Without
// QRESYNC the session still ends with BYE.
func TestQresyncPurgeWhileSelected(t *testing.T) {
	t.Parallel()
	e, r, _, _ := condEnv(t, 4, "(CONDSTORE)")
	r.answer("u", "UNSELECT")
	r.answer("e", "ENABLE QRESYNC")
	r.answer("s", `SELECT "Groups/Team"`)
	plain := e.raw(t)
	plain.login()
	plain.answer("s", `EXAMINE "Groups/Team"`)
	if err := e.store.Purge(bg(), userActor("alice@example.test"), "team", []string{groups.FeatureMessage}); err != nil {
		t.Fatal(err)
	}
	r.send("i IDLE\r\n")
	r.line() // "+ idling"
	if l := r.line(); l != "* VANISHED 1:4" {
		t.Fatalf("in IDLE after the purge: %q", l)
	}
	r.send("DONE\r\n")
	r.until("i OK")
	uid := e.post(t, "team", message("after", "x"))
	deadline := time.Now().Add(5 * time.Second)
	for {
		un, _ := r.lines("n", "NOOP")
		if slices.Contains(un, "* 1 EXISTS") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no EXISTS for the post after the purge: %q", un)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if un, _ := r.lines("f", "FETCH 1 (UID)"); len(un) != 1 || un[0] != fmt.Sprintf("* 1 FETCH (UID %d)", uid) {
		t.Fatalf("FETCH after the purge: %q", un)
	}
	plain.send("n NOOP\r\n")
	if l := plain.line(); !strings.HasPrefix(l, "* BYE") {
		t.Fatalf("without QRESYNC: %q", l)
	}
}
