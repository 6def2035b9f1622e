package daemon

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-ical"
	"github.com/emersion/go-webdav"
	"github.com/emersion/go-webdav/caldav"
)

// davDaemon starts a daemon with alice (master) and bob (member) of the
// group team, and carol in no group, all made over the API.
func davDaemon(t *testing.T) *Daemon {
	t.Helper()
	cfg := testConfig(t, t.TempDir())
	cfg.Mail.Relay = startSink(t).addr
	d, _ := startDaemon(t, cfg)
	for _, u := range []string{"alice@example.test", "bob@example.test", "carol@example.test"} {
		if c := apiCall(t, d, "POST", "/api/v1/users", "", d.token, map[string]string{"email": u, "name": u, "password": "password1"}); c != 201 {
			t.Fatalf("create user %s: %d", u, c)
		}
	}
	if c := apiCall(t, d, "POST", "/api/v1/groups", "alice@example.test", "password1",
		map[string]any{"id": "team", "name": "Team", "members": []string{"bob@example.test"}}); c != 201 {
		t.Fatalf("create group: %d", c)
	}
	return d
}

func davClient(d *Daemon, user string) webdav.HTTPClient {
	return webdav.HTTPClientWithBasicAuth(http.DefaultClient, user, "password1")
}

// TestDaemonServesFolders: the daemon mounts the group folders at
// /dav/files/: a member writes and reads back a file with go-webdav's
// client, an outsider sees no group.
func TestDaemonServesFolders(t *testing.T) {
	d := davDaemon(t)
	ctx := context.Background()
	base := "http://" + d.Addr("http").String() + "/dav/files/"
	bob, err := webdav.NewClient(davClient(d, "bob@example.test"), base)
	if err != nil {
		t.Fatal(err)
	}
	w, err := bob.Create(ctx, "team/minutes.txt")
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, "decided: ship it\n")
	if err := w.Close(); err != nil {
		t.Fatalf("PUT: %v", err)
	}
	r, err := bob.Open(ctx, "team/minutes.txt")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(r)
	r.Close()
	if string(got) != "decided: ship it\n" {
		t.Fatalf("GET gave %q", got)
	}
	carol, _ := webdav.NewClient(davClient(d, "carol@example.test"), base)
	infos, err := carol.ReadDir(ctx, "", false)
	if err != nil {
		t.Fatal(err)
	}
	for _, fi := range infos {
		if strings.Contains(fi.Path, "team") {
			t.Fatalf("an outsider sees %s", fi.Path)
		}
	}
	if _, err := carol.Open(ctx, "team/minutes.txt"); err == nil {
		t.Fatal("an outsider read the group's file")
	}
}

// TestDaemonServesCalendars: from /.well-known/caldav on the daemon a
// member finds the group's events collection and stores an event; an
// outsider's calendar home is empty.
func TestDaemonServesCalendars(t *testing.T) {
	d := davDaemon(t)
	ctx := context.Background()
	root := "http://" + d.Addr("http").String()
	wk, err := caldav.NewClient(davClient(d, "bob@example.test"), root+"/.well-known/caldav")
	if err != nil {
		t.Fatal(err)
	}
	principal, err := wk.FindCurrentUserPrincipal(ctx)
	if err != nil {
		t.Fatalf("current-user-principal via the well-known URL: %v", err)
	}
	bob, _ := caldav.NewClient(davClient(d, "bob@example.test"), root)
	home, err := bob.FindCalendarHomeSet(ctx, principal)
	if err != nil {
		t.Fatal(err)
	}
	cals, err := bob.FindCalendars(ctx, home)
	if err != nil {
		t.Fatal(err)
	}
	var events string
	for _, c := range cals {
		if c.Name == "Team" && strings.Join(c.SupportedComponentSet, ",") == "VEVENT" {
			events = c.Path
		}
	}
	if events == "" {
		t.Fatalf("no Team events collection in %+v", cals)
	}
	cal := ical.NewCalendar()
	cal.Props.SetText(ical.PropProductID, "-//groupd test//EN")
	cal.Props.SetText(ical.PropVersion, "2.0")
	ev := ical.NewEvent()
	ev.Props.SetText(ical.PropUID, "standup-1")
	ev.Props.SetDateTime(ical.PropDateTimeStamp, time.Now().UTC())
	ev.Props.SetDateTime(ical.PropDateTimeStart, time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	ev.Props.SetDateTime(ical.PropDateTimeEnd, time.Date(2026, 12, 1, 9, 15, 0, 0, time.UTC))
	ev.Props.SetText(ical.PropSummary, "Stand-up")
	cal.Children = append(cal.Children, ev.Component)
	if _, err := bob.PutCalendarObject(ctx, events+"standup-1.ics", cal); err != nil {
		t.Fatalf("PUT event: %v", err)
	}
	obj, err := bob.GetCalendarObject(ctx, events+"standup-1.ics")
	if err != nil || obj.Data.Events()[0].Props.Get(ical.PropSummary).Value != "Stand-up" {
		t.Fatalf("GET event: %v", err)
	}
	carol, _ := caldav.NewClient(davClient(d, "carol@example.test"), root)
	if cs, err := carol.FindCalendars(ctx, home); err != nil || len(cs) != 0 {
		t.Fatalf("an outsider's home lists %v (%v)", cs, err)
	}
}
