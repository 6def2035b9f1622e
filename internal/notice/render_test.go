package notice

import (
	"strings"
	"testing"

	"groupd/groups"
)

// TestRenderRefusesWhatItCannotWord: a notice of an unknown kind, event
// or setting is an error, not a text showing a bare catalog key; a known
// one renders in the catalog's language.
func TestRenderRefusesWhatItCannotWord(t *testing.T) {
	c, err := Load("en")
	if err != nil {
		t.Fatal(err)
	}
	bad := []groups.Notice{
		nil,
		groups.GroupNotice{Event: "renamed", Group: "Team"},
		groups.GroupNotice{Event: groups.GroupEdited, Group: "Team",
			Settings: &groups.SettingsChange{Before: &groups.Group{}, After: &groups.Group{}, Changed: []string{"colour"}}},
		groups.JoinReplyNotice{Event: "maybe", List: "team@lists.example.test"},
		groups.HeldReplyNotice{Event: "lost", List: "team@lists.example.test"},
	}
	for _, n := range bad {
		if s, b, err := c.Render(n); err == nil {
			t.Errorf("%#v rendered: %q\n%s", n, s, b)
		}
	}
	s, b, err := c.Render(groups.JoinReplyNotice{Event: groups.JoinDeclined, List: "team@lists.example.test", Reason: "no"})
	if err != nil || !strings.Contains(s, "declined") || !strings.HasSuffix(b, "\n> no\n") || strings.Contains(s+b, "join.") {
		t.Errorf("declined: %q %q %v", s, b, err)
	}
}
