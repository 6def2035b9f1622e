package imap

import (
	"slices"
	"strings"
	"testing"

	"groupd/e2e/internal/e2etest"
)

// TestMailboxGoesWithAccess: a feature switched off, an archive purged or
// a group deleted over the API ends a session that has the mailbox
// selected with BYE saying why at the very next command (the server asks
// the store after each), and the mailbox leaves LIST at once (SPEC §1).
func TestMailboxGoesWithAccess(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, method, path string
		body               any
		bye                string // in the BYE text
		stays              bool   // the mailbox is still listed (emptied)
	}{
		{"feature off", "PATCH", "/api/v1/groups/team", map[string]any{"features": map[string]bool{"message": false}}, "no longer read", false},
		{"archive purged", "POST", "/api/v1/groups/team/purge", map[string]any{"features": []string{"message"}}, "purged", true},
		{"group deleted", "DELETE", "/api/v1/groups/team", nil, "no longer read", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := start(t)
			e.post("team@lists.example.test", "before", "history")
			r := e.raw()
			r.ok("a LOGIN bob@example.test " + e2etest.Password)
			r.ok(`b SELECT "Groups/Team"`)
			if code, body := e.d.API(t, tc.method, tc.path, "alice@example.test", tc.body); code/100 != 2 {
				t.Fatalf("%s %s: %d %s", tc.method, tc.path, code, body)
			}
			r.send("c NOOP")
			bye := r.until("* BYE", "c ")
			if !strings.HasPrefix(bye, "* BYE") {
				t.Fatalf("the next command after the change answered %q, want BYE", bye)
			}
			if !strings.Contains(bye, tc.bye) {
				t.Errorf("BYE %q, want it to say %q", bye, tc.bye)
			}
			listed := slices.Contains(mailboxes(t, e.login("bob@example.test")), "Groups/Team")
			if listed != tc.stays {
				t.Errorf("Groups/Team listed afterwards: %v, want %v", listed, tc.stays)
			}
			if _, data := e.archived("team"); tc.stays && len(data) != 0 {
				t.Errorf("the purged archive still holds %d posts", len(data))
			}
		})
	}
}
