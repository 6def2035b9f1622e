package imap

import (
	"testing"
	"time"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"groupd/groups"
)

// existsWatcher collects EXISTS counts the server sends unasked.
func existsWatcher() (*imapclient.Options, <-chan uint32) {
	ch := make(chan uint32, 16)
	return &imapclient.Options{UnilateralDataHandler: &imapclient.UnilateralDataHandler{
		Mailbox: func(d *imapclient.UnilateralDataMailbox) {
			if d.NumMessages != nil {
				ch <- *d.NumMessages
			}
		},
	}}, ch
}

func TestIdleAnnouncesNewPost(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.post(t, "team", message("old", "old"))
	opts, exists := existsWatcher()
	c := e.login(t, "bob@example.test", opts)
	mustSelect(t, c, "Groups/Team")
	idle, err := c.Idle()
	if err != nil {
		t.Fatal(err)
	}
	uid := e.post(t, "team", message("fresh", "news"))
	select {
	case n := <-exists:
		if n != 2 {
			t.Errorf("EXISTS %d, want 2", n)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("IDLE did not announce the new post")
	}
	if err := idle.Close(); err != nil {
		t.Fatal(err)
	}
	if err := idle.Wait(); err != nil {
		t.Fatal(err)
	}
	msgs, err := c.Fetch(goimap.SeqSetNum(2), &goimap.FetchOptions{UID: true, Envelope: true}).Collect()
	if err != nil || len(msgs) != 1 || msgs[0].UID != goimap.UID(uid) || msgs[0].Envelope.Subject != "fresh" {
		t.Fatalf("fetch the new post: %+v %v", msgs, err)
	}
}

func TestNoopAnnouncesNewPost(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	opts, exists := existsWatcher()
	c := e.login(t, "bob@example.test", opts)
	mustSelect(t, c, "Groups/Team")
	e.post(t, "team", message("fresh", "news"))
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if err := c.Noop().Wait(); err != nil {
			t.Fatal(err)
		}
		select {
		case n := <-exists:
			if n != 1 {
				t.Fatalf("EXISTS %d", n)
			}
			return
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatal("NOOP never announced the post")
}

// cutOff checks that a session with Groups/Team selected is ended (BYE,
// connection closed) by what cut does, on the next command or while idling.
func cutOff(t *testing.T, idling bool, cut func(e *env)) {
	t.Helper()
	e := newEnv(t)
	e.post(t, "team", message("one", "1"))
	c := e.login(t, "bob@example.test")
	mustSelect(t, c, "Groups/Team")
	var idle *imapclient.IdleCommand
	if idling {
		var err error
		if idle, err = c.Idle(); err != nil {
			t.Fatal(err)
		}
	}
	cut(e)
	if !idling {
		_, err := c.Fetch(goimap.SeqSetNum(1), &goimap.FetchOptions{Envelope: true}).Collect()
		if err == nil {
			t.Fatal("the cut-off session could still FETCH")
		}
	}
	select {
	case <-c.Closed():
	case <-time.After(5 * time.Second):
		t.Fatal("the session was not ended")
	}
	_ = idle
	if got := listNames(t, e.login(t, "bob@example.test")); len(got) != 2 {
		t.Errorf("after the cut bob still lists %q", got)
	}
}

func TestRemovedMemberCutOff(t *testing.T) {
	t.Parallel()
	for _, idling := range []bool{false, true} {
		cutOff(t, idling, func(e *env) {
			if err := e.store.RemoveMember(bg(), adminActor(), "team", "bob@example.test"); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestDeletedGroupCutOff(t *testing.T) {
	t.Parallel()
	cutOff(t, true, func(e *env) {
		if err := e.store.DeleteGroup(bg(), adminActor(), "team"); err != nil {
			t.Fatal(err)
		}
	})
}

func TestFeatureDisabledByPolicyCutOff(t *testing.T) {
	t.Parallel()
	cutOff(t, false, func(e *env) {
		_, err := e.store.SetPolicy(bg(), adminActor(), groups.Policy{CreateGroups: "everyone", DisabledFeatures: []string{"message"}})
		if err != nil {
			t.Fatal(err)
		}
	})
}

func TestPurgedArchiveEndsSession(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.post(t, "team", message("one", "1"))
	c := e.login(t, "bob@example.test")
	mustSelect(t, c, "Groups/Team")
	if err := e.store.Purge(bg(), adminActor(), "team", []string{"message"}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if err := c.Noop().Wait(); err != nil {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	select {
	case <-c.Closed():
	case <-time.After(5 * time.Second):
		t.Fatal("the session survived the purge")
	}
	// The mailbox stays (the feature is on) and is empty.
	if d := mustSelect(t, e.login(t, "bob@example.test"), "Groups/Team"); d.NumMessages != 0 {
		t.Errorf("after purge %d messages", d.NumMessages)
	}
}

// Removing one member leaves the others' sessions alone.
func TestOthersKeepTheirSessions(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.post(t, "team", message("one", "1"))
	alice := e.login(t, "alice@example.test")
	mustSelect(t, alice, "Groups/Team")
	if err := e.store.RemoveMember(bg(), adminActor(), "team", "bob@example.test"); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if err := alice.Noop().Wait(); err != nil {
			t.Fatalf("alice's NOOP after bob's removal: %v", err)
		}
	}
	msgs, err := alice.Fetch(goimap.SeqSetNum(1), &goimap.FetchOptions{Envelope: true}).Collect()
	if err != nil || len(msgs) != 1 {
		t.Fatalf("alice's FETCH: %v %v", msgs, err)
	}
}
