package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestConsolePostHeldSaysSo: when the list's moderation held the post
// (issue 13; smtp's TestConsolePostHeld shows Post saying so), the
// console tells the member the post waits for a master, not that it was
// sent to the group.
func TestConsolePostHeldSaysSo(t *testing.T) {
	w := newMessageWorld(t, false)
	w.held = true
	bob := w.signin(t, "bob@example.test", "password1")
	bob.get(t, "/g/team/messages")
	st, body, loc := bob.postForm(t, "/g/team/messages", url.Values{"subject": {"Held"}, "body": {"Wait for it."}})
	if st != http.StatusSeeOther || loc != "/g/team/messages?done=heldpost#end" {
		t.Fatalf("post: %d %q %s", st, loc, text(body))
	}
	_, page := bob.get(t, loc)
	if got := text(page); !strings.Contains(got, "Your post is waiting for a master of the group to approve it.") ||
		strings.Contains(got, "Your post was sent to the group.") {
		t.Fatalf("page after a held post: %s", got)
	}
}
