package smtp

import (
	"context"
	"strings"
	"testing"

	"groupd/groups"
)

// TestGroupNotificationsGoOut: the groups store's notifications (SPEC §1:
// a group with notify on was edited, by whom, named by name and address;
// an empty value reads "(none)") leave through the same queue, to every
// member, from groupd's no-reply address.
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
	// Two notices (notify switched on by the admin, then alice's edit)
	// to alice and bob.
	got := w.relay.waitRcpts(t, 4)
	for _, rc := range []string{alice, bob} {
		found := false
		for _, m := range got[rc] {
			found = found || strings.Contains(string(m), "Description: (none) -> A new description") &&
				header(m, "Subject") == `Group "Team" was edited by alice <`+alice+`>` &&
				header(m, "Auto-Submitted") == "auto-generated"
		}
		if !found {
			t.Fatalf("%s was not told of alice's edit: %q", rc, got[rc])
		}
	}
	for _, e := range w.relay.envelopes() {
		if e.From != w.st.NoReplyAddress() {
			t.Fatalf("envelope sender %q", e.From)
		}
	}
}
