package calendar

import (
	"context"
	"sort"
	"strings"
	"testing"

	"groupd/groups"
)

// TestDiscovery: from the bare server URL, the well-known redirect leads
// to the principal, its calendar home, and there every group's events and
// tasks with the group's name and the right component set.
func TestDiscovery(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	ctx := context.Background()
	c := e.client("bob")
	wk, err := gocaldavClientAt(e, "bob", "/.well-known/caldav")
	if err != nil {
		t.Fatal(err)
	}
	principal, err := wk.FindCurrentUserPrincipal(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if principal != "/dav/principals/bob@example.test/" {
		t.Fatalf("principal %q", principal)
	}
	home, err := c.FindCalendarHomeSet(ctx, principal)
	if err != nil || home != "/dav/calendars/" {
		t.Fatalf("home %q %v", home, err)
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
	want := []string{
		"/dav/calendars/hidden/events/ Hidden Ones VEVENT",
		"/dav/calendars/hidden/tasks/ Hidden Ones · Tasks VTODO",
		"/dav/calendars/team/events/ The Team VEVENT",
		"/dav/calendars/team/tasks/ The Team · Tasks VTODO",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("calendars:\n%s", strings.Join(got, "\n"))
	}
	// carol belongs to nothing: an empty home.
	cals, err = e.client("carol").FindCalendars(ctx, "/dav/calendars/")
	if err != nil || len(cals) != 0 {
		t.Fatalf("carol sees %v %v", cals, err)
	}
	// Turning the task feature off removes the tasks collection at once.
	no := false
	if _, err := e.store.UpdateGroup(ctx, groups.Actor{Email: "alice@example.test"}, "team", groups.GroupSpec{Features: &groups.FeatureSpec{Task: &no}}); err != nil {
		t.Fatal(err)
	}
	cals, _ = c.FindCalendars(ctx, home)
	for _, cal := range cals {
		if cal.Path == "/dav/calendars/team/tasks/" {
			t.Fatal("tasks collection still listed with the feature off")
		}
	}
	if code, _, _ := e.do("bob", "PROPFIND", "/dav/calendars/team/tasks/", "", hdr{"Depth": "0"}); code != 404 {
		t.Fatalf("PROPFIND of a disabled feature: %d", code)
	}
}

func TestAuthAndRedirect(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	code, _, h := e.do("", "PROPFIND", "/dav/", "", nil)
	if code != 401 || !strings.HasPrefix(h.Get("WWW-Authenticate"), "Basic ") {
		t.Fatalf("anonymous PROPFIND: %d %q", code, h.Get("WWW-Authenticate"))
	}
	req := e.srv.URL + "/.well-known/caldav"
	resp, err := noRedirect.Get(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 301 || resp.Header.Get("Location") != "/dav/" {
		t.Fatalf("well-known: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	code, body, _ := e.do("bob", "MKCALENDAR", "/dav/calendars/team/new/", "", nil)
	if code != 403 || !strings.Contains(body, "fixed") {
		t.Fatalf("MKCALENDAR: %d %s", code, body)
	}
}

// TestServerRoot: a client given only the bare server URL finds the
// principal by PROPFIND on "/"; Windows' probe of OPTIONS sees DAV classes
// and MS-Author-Via; a browser gets a pointer; a login is needed.
func TestServerRoot(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	ctx := context.Background()
	c := e.client("bob") // created on e.srv.URL, the bare server URL
	principal, err := c.FindCurrentUserPrincipal(ctx)
	if err != nil || principal != "/dav/principals/bob@example.test/" {
		t.Fatalf("principal from /: %q %v", principal, err)
	}
	home, err := c.FindCalendarHomeSet(ctx, principal)
	if err != nil || home != "/dav/calendars/" {
		t.Fatalf("home %q %v", home, err)
	}
	code, body, _ := e.do("alice", "PROPFIND", "/", `<?xml version="1.0"?><d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:current-user-principal/><d:resourcetype/><c:calendar-home-set/></d:prop></d:propfind>`, hdr{"Depth": "0"})
	for _, want := range []string{"<d:href>/</d:href>", "/dav/principals/alice@example.test/", "<d:collection/>", "/dav/calendars/"} {
		if code != 207 || !strings.Contains(body, want) {
			t.Fatalf("PROPFIND / lacks %q: %d\n%s", want, code, body)
		}
	}
	if n := strings.Count(body, "<d:response>"); n != 1 {
		t.Fatalf("Depth 0 gives %d responses", n)
	}
	code, _, h := e.do("", "PROPFIND", "/", "", hdr{"Depth": "0"})
	if code != 401 || !strings.HasPrefix(h.Get("WWW-Authenticate"), "Basic ") {
		t.Fatalf("anonymous PROPFIND /: %d %q", code, h.Get("WWW-Authenticate"))
	}
	if code, _, _ := e.do("carol", "PROPFIND", "/", "", hdr{"Depth": "0"}); code != 207 {
		t.Fatalf("carol, in no group, PROPFIND /: %d", code)
	}
	code, _, h = e.do("", "OPTIONS", "/", "", nil)
	if code != 200 || h.Get("DAV") != "1, 2, 3, calendar-access" || h.Get("MS-Author-Via") != "DAV" {
		t.Fatalf("OPTIONS /: %d DAV %q MS-Author-Via %q", code, h.Get("DAV"), h.Get("MS-Author-Via"))
	}
	code, body, h = e.do("", "GET", "/", "", nil)
	if code != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/plain") || !strings.Contains(body, "/dav/files/") {
		t.Fatalf("GET /: %d %q %q", code, h.Get("Content-Type"), body)
	}
	if code, _, _ := e.do("bob", "DELETE", "/", "", nil); code != 405 {
		t.Fatalf("DELETE /: %d", code)
	}
}
