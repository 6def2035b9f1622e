package imap

import (
	"reflect"
	"testing"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

func flagsOf(t *testing.T, c *imapclient.Client) map[uint32][]goimap.Flag {
	t.Helper()
	msgs, err := c.Fetch(goimap.SeqSet{{Start: 1, Stop: 0}}, &goimap.FetchOptions{Flags: true}).Collect()
	if err != nil {
		t.Fatalf("fetch flags: %v", err)
	}
	out := map[uint32][]goimap.Flag{}
	for _, m := range msgs {
		out[m.SeqNum] = m.Flags
	}
	return out
}

func TestSeenIsPerUser(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.post(t, "team", message("one", "1"))
	e.post(t, "team", message("two", "2"))
	alice := e.login(t, "alice@example.test")
	bob := e.login(t, "bob@example.test")
	mustSelect(t, alice, "Groups/Team")
	mustSelect(t, bob, "Groups/Team")

	store := &goimap.StoreFlags{Op: goimap.StoreFlagsAdd, Flags: []goimap.Flag{goimap.FlagSeen, goimap.FlagFlagged, "$Important"}}
	got, err := alice.Store(goimap.SeqSetNum(1), store, nil).Collect()
	if err != nil || len(got) != 1 {
		t.Fatalf("store: %v %v", got, err)
	}
	want := []goimap.Flag{goimap.FlagSeen, goimap.FlagFlagged, "$Important"}
	if !reflect.DeepEqual(got[0].Flags, want) {
		t.Errorf("STORE answered %v, want %v", got[0].Flags, want)
	}
	if f := flagsOf(t, bob); len(f[1]) != 0 || len(f[2]) != 0 {
		t.Errorf("bob sees alice's flags: %v", f)
	}
	// A new session of alice's sees them; removing one leaves the others.
	again := e.login(t, "alice@example.test")
	mustSelect(t, again, "Groups/Team")
	if f := flagsOf(t, again); !reflect.DeepEqual(f[1], want) {
		t.Errorf("alice's next session sees %v", f[1])
	}
	del := &goimap.StoreFlags{Op: goimap.StoreFlagsDel, Silent: true, Flags: []goimap.Flag{goimap.FlagFlagged}}
	if err := again.Store(goimap.SeqSetNum(1), del, nil).Close(); err != nil {
		t.Fatal(err)
	}
	if f := flagsOf(t, again); !reflect.DeepEqual(f[1], []goimap.Flag{goimap.FlagSeen, "$Important"}) {
		t.Errorf("after -FLAGS \\Flagged: %v", f[1])
	}
	// STATUS UNSEEN and SEARCH are per user too.
	st, err := bob.Status("Groups/Team", &goimap.StatusOptions{NumUnseen: true}).Wait()
	if err != nil || *st.NumUnseen != 2 {
		t.Errorf("bob unseen: %v %v", st, err)
	}
	res, err := alice.Search(&goimap.SearchCriteria{NotFlag: []goimap.Flag{goimap.FlagSeen}}, nil).Wait()
	if err != nil || !reflect.DeepEqual(res.AllSeqNums(), []uint32{2}) {
		t.Errorf("alice UNSEEN: %v %v", res, err)
	}
}

func TestFetchBodySetsSeenUnlessPeekOrExamine(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.post(t, "team", message("one", "1"))
	c := e.login(t, "bob@example.test")
	if _, err := c.Select("Groups/Team", &goimap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		t.Fatal(err)
	}
	body := &goimap.FetchItemBodySection{}
	if _, err := c.Fetch(goimap.SeqSetNum(1), &goimap.FetchOptions{BodySection: []*goimap.FetchItemBodySection{body}}).Collect(); err != nil {
		t.Fatal(err)
	}
	if f := flagsOf(t, c); len(f[1]) != 0 {
		t.Errorf("BODY[] under EXAMINE set %v", f[1])
	}
	err := c.Store(goimap.SeqSetNum(1), &goimap.StoreFlags{Op: goimap.StoreFlagsAdd, Flags: []goimap.Flag{goimap.FlagSeen}}, nil).Close()
	wantNo(t, "STORE under EXAMINE", err, "EXAMINE")

	mustSelect(t, c, "Groups/Team")
	msgs, err := c.Fetch(goimap.SeqSetNum(1), &goimap.FetchOptions{BodySection: []*goimap.FetchItemBodySection{body}}).Collect()
	if err != nil || len(msgs) != 1 || !reflect.DeepEqual(msgs[0].Flags, []goimap.Flag{goimap.FlagSeen}) {
		t.Errorf("BODY[] under SELECT: %+v %v", msgs, err)
	}
	if f := flagsOf(t, c); !reflect.DeepEqual(f[1], []goimap.Flag{goimap.FlagSeen}) {
		t.Errorf("after BODY[] flags are %v", f[1])
	}
}

func TestStoreDeletedRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.post(t, "team", message("one", "1"))
	c := e.login(t, "bob@example.test")
	mustSelect(t, c, "Groups/Team")
	err := c.Store(goimap.SeqSetNum(1), &goimap.StoreFlags{Op: goimap.StoreFlagsAdd, Flags: []goimap.Flag{goimap.FlagDeleted}}, nil).Close()
	wantNo(t, "STORE +FLAGS \\Deleted", err, "read-only")
	if f := flagsOf(t, c); len(f[1]) != 0 {
		t.Errorf("flags after refused STORE: %v", f[1])
	}
}
