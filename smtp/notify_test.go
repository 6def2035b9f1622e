package smtp

import (
	"context"
	"strings"
	"testing"

	"groupd/groups"
)

// TestGroupNotificationsGoOut: the groups store's notifications (SPEC §1:
// a group with notify on was edited, by whom) leave through the same
// queue, to every member, from groupd's no-reply address.
func TestGroupNotificationsGoOut(t *testing.T) {
	w := newWorld(t, nil, nil)
	w.startQueue(t, nil)
	ctx := context.Background()
	if _, err := w.st.UpdateGroup(ctx, groups.AdminActor(), "team", groups.GroupSpec{Notify: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.st.UpdateGroup(ctx, groups.Actor{Email: alice}, "team", groups.GroupSpec{Description: ptr("A new description")}); err != nil {
		t.Fatal(err)
	}
	got := w.relay.waitRcpts(t, 2)
	for _, rc := range []string{alice, bob} {
		if len(got[rc]) == 0 {
			t.Fatalf("%s was not told (got %v)", rc, keys(got))
		}
	}
	last := got[bob][len(got[bob])-1]
	if !strings.Contains(string(last), alice) || header(last, "Auto-Submitted") != "auto-generated" {
		t.Fatalf("notice does not say who:\n%s", last)
	}
	for _, e := range w.relay.envelopes() {
		if e.From != w.st.NoReplyAddress() {
			t.Fatalf("envelope sender %q", e.From)
		}
	}
}
