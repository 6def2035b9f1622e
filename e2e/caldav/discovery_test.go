package caldav

import (
	"context"
	"sort"
	"strings"
	"testing"
)

// TestDiscoveryFromServerURL: a calendar app given only the server
// address (go-webdav's client on http://host:port/) finds the principal,
// the calendar home and there the team's events and tasks with the
// group's name and the right component sets; carol finds an empty home.
func TestDiscoveryFromServerURL(t *testing.T) {
	t.Parallel()
	e := start(t)
	ctx := context.Background()
	c := e.client("bob")
	principal, err := c.FindCurrentUserPrincipal(ctx)
	if err != nil || principal != "/dav/principals/bob@example.test/" {
		t.Fatalf("principal from the server URL: %q %v", principal, err)
	}
	home, err := c.FindCalendarHomeSet(ctx, principal)
	if err != nil || home != "/dav/calendars/" {
		t.Fatalf("calendar-home-set: %q %v", home, err)
	}
	cals, err := c.FindCalendars(ctx, home)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, cal := range cals {
		got = append(got, cal.Path+" "+cal.Name+" "+strings.Join(cal.SupportedComponentSet, ","))
	}
	sort.Strings(got)
	if !eq(got, events+" Team VEVENT", tasks+" Team · Tasks VTODO") {
		t.Fatalf("calendars:\n%s", strings.Join(got, "\n"))
	}
	cals, err = e.client("carol").FindCalendars(ctx, home)
	if err != nil || len(cals) != 0 {
		t.Fatalf("carol, in no group, finds %v %v", cals, err)
	}
}

// TestServerRoot: what the daemon answers on "/" besides PROPFIND — the
// well-known redirect, a login demanded, Windows' OPTIONS probe, and the
// web console for a browser.
func TestServerRoot(t *testing.T) {
	t.Parallel()
	e := start(t)
	if code, _, h := e.do("", "PROPFIND", "/", "", hdr{"Depth": "0"}); code != 401 || !strings.HasPrefix(h.Get("WWW-Authenticate"), "Basic ") {
		t.Fatalf("anonymous PROPFIND /: %d %q", code, h.Get("WWW-Authenticate"))
	}
	code, _, h := e.do("", "OPTIONS", "/", "", nil)
	if code != 200 || h.Get("DAV") != "1, 2, 3, calendar-access" || h.Get("MS-Author-Via") != "DAV" {
		t.Fatalf("OPTIONS /: %d DAV %q MS-Author-Via %q", code, h.Get("DAV"), h.Get("MS-Author-Via"))
	}
	code, _, h = e.do("", "GET", "/", "", nil)
	if code != 303 || h.Get("Location") != "/groups" {
		t.Fatalf("GET / (a browser): %d to %q, want 303 to the console's /groups", code, h.Get("Location"))
	}
	// The well-known URL leads to the DAV root, keeping the method.
	code, _, h = e.do("bob", "PROPFIND", "/.well-known/caldav", "", hdr{"Depth": "0"})
	if code != 308 || h.Get("Location") != "/dav/" {
		t.Fatalf("well-known: %d %q", code, h.Get("Location"))
	}
	// Only "/" itself is the CalDAV handler's: other paths stay unknown.
	if code, _, _ := e.do("bob", "PROPFIND", "/nothing/", "", hdr{"Depth": "0"}); code != 404 {
		t.Fatalf("PROPFIND /nothing/: %d", code)
	}
}
