package imap

import (
	"slices"
	"testing"
)

// TestUnicodeGroupName: a group named in any script is a mailbox of that
// name for go-imap's client (modified UTF-7 on the wire, RFC 3501 §5.1.3),
// selectable, holding its posts.
func TestUnicodeGroupName(t *testing.T) {
	t.Parallel()
	e := start(t)
	e.d.Group(t, "cafe", "Café 東京", "alice@example.test", []string{"bob@example.test"}, nil)
	e.post("cafe@lists.example.test", "Menü", "Kaffee und Kuchen")
	c := e.login("bob@example.test")
	if got := mailboxes(t, c); !slices.Contains(got, "Groups/Café 東京") {
		t.Fatalf("bob lists %q, without Groups/Café 東京", got)
	}
	if sel := mustSelect(t, c, "Groups/Café 東京"); sel.NumMessages != 1 {
		t.Errorf("Groups/Café 東京 holds %d messages, want 1", sel.NumMessages)
	}
}
