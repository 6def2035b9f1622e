package calendar

import (
	"regexp"
	"testing"

	"groupd/groups"
	"groupd/internal/testkit"
)

// collNamesColors PROPFINDs a group's calendars as bob and gives each
// collection's displayname and calendar-color by path.
func collNamesColors(t *testing.T, e *env) (names, colors map[string]string) {
	t.Helper()
	pf := `<?xml version="1.0"?><d:propfind xmlns:d="DAV:" xmlns:a="http://apple.com/ns/ical/"><d:prop><d:displayname/><a:calendar-color/></d:prop></d:propfind>`
	code, b, _ := e.do("bob", "PROPFIND", "/dav/calendars/team/", pf, hdr{"Depth": "1", "Content-Type": "application/xml"})
	if code != 207 {
		t.Fatalf("PROPFIND: %d %s", code, b)
	}
	if err := testkit.WellFormedXML([]byte(b)); err != nil {
		t.Fatalf("not well-formed: %v\n%s", err, b)
	}
	re := regexp.MustCompile(`<d:href>([^<]*)</d:href><d:propstat><d:prop><d:displayname>([^<]*)</d:displayname>(?:<a:calendar-color>([^<]*)</a:calendar-color>)?`)
	names, colors = map[string]string{}, map[string]string{}
	for _, m := range re.FindAllStringSubmatch(b, -1) {
		names[m[1]], colors[m[1]] = m[2], m[3]
	}
	return names, colors
}

// TestCollectionNamesAndColors: a group's events and tasks calendars
// have displaynames a person can tell apart ("The Team", "The Team ·
// Tasks"; RFC 4918 §15.2) and distinct Apple calendar-colors, the same
// on every request (a stable hash of the group id).
func TestCollectionNamesAndColors(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	names, colors := collNamesColors(t, e)
	ev, ta := "/dav/calendars/team/events/", "/dav/calendars/team/tasks/"
	if names[ev] != "The Team" || names[ta] != "The Team · Tasks" {
		t.Fatalf("displaynames: %q", names)
	}
	hex := regexp.MustCompile(`^#[0-9A-F]{8}$`)
	if !hex.MatchString(colors[ev]) || !hex.MatchString(colors[ta]) || colors[ev] == colors[ta] {
		t.Fatalf("calendar-colors: %q", colors)
	}
	if colors[ev] != collColor("team", groups.FeatureEvent) || colors[ta] != collColor("team", groups.FeatureTask) {
		t.Fatalf("calendar-colors %q are not derived from the group id", colors)
	}
	_, again := collNamesColors(t, newEnv(t, Options{}))
	if again[ev] != colors[ev] || again[ta] != colors[ta] {
		t.Fatalf("colors differ between servers: %q and %q", colors, again)
	}
}

// TestCollectionNamesKorean: in a Korean organisation the tasks
// calendar is "· 할 일".
func TestCollectionNamesKorean(t *testing.T) {
	t.Parallel()
	names, _ := collNamesColors(t, newEnvIn(t, Options{}, "ko"))
	if names["/dav/calendars/team/events/"] != "The Team" || names["/dav/calendars/team/tasks/"] != "The Team · 할 일" {
		t.Fatalf("displaynames: %q", names)
	}
}

// TestCollColorsDiffer: for any group id the two colours differ.
func TestCollColorsDiffer(t *testing.T) {
	for _, id := range []string{"", "team", "a", "b", "board-2026", "팀"} {
		if collColor(id, groups.FeatureEvent) == collColor(id, groups.FeatureTask) {
			t.Errorf("%q: both %s", id, collColor(id, groups.FeatureEvent))
		}
	}
}
