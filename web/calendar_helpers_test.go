package web

import (
	"context"
	"html"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-ical"

	"groupd/groups"
)

// The helpers of the Notes, Events and Tasks tests: a group with every
// feature on, a fixed clock, a viewer's time zone, and the store's
// calendar API used as a CalDAV client would.

// calNow is the tests' clock: Friday 20 November 2026, 12:00 UTC.
var calNow = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

// newCalEnv is a console at calNow with the group "club" (master alice,
// member bob, every feature on).
func newCalEnv(t *testing.T) *testEnv {
	t.Helper()
	e := newTestEnv(t, func(o *Options) { o.Now = func() time.Time { return calNow } })
	e.group(t, "alice@example.test", groups.GroupSpec{ID: str("club"), Name: str("Club"),
		Members: []string{"bob@example.test"}, Features: &groups.FeatureSpec{
			Message: yes(), Note: yes(), Event: yes(), Task: yes(), Folder: yes()}})
	return e
}

// setZone gives the browser a time zone, as app.js does.
func (cl *client) setZone(t *testing.T, zone string) {
	u, _ := url.Parse(cl.e.srv.URL)
	cl.http.Jar.SetCookies(u, []*http.Cookie{{Name: "tz", Value: zone, Path: "/"}})
}

// davCal opens a group's collection for who, as the CalDAV handler does.
func (e *testEnv) davCal(t *testing.T, who, group, feature string) *groups.Calendar {
	t.Helper()
	c, err := e.store.Calendar(context.Background(), groups.Actor{Email: who}, group, feature)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// davPut stores an iCalendar object as a client's PUT would end up.
func (e *testEnv) davPut(t *testing.T, group, feature, name, uid, data string) {
	t.Helper()
	c := e.davCal(t, "alice@example.test", group, feature)
	data = strings.ReplaceAll(strings.TrimSpace(data), "\n", "\r\n") + "\r\n"
	if _, _, err := c.Put(context.Background(), groups.CalPut{Name: name, UID: uid, Data: data,
		First: math.MinInt64, Last: math.MaxInt64}); err != nil {
		t.Fatal(err)
	}
}

// davOnly reads the one object of a collection and parses it as a
// client would; it fails unless there is exactly one.
func (e *testEnv) davOnly(t *testing.T, group, feature string) (*groups.CalObject, *ical.Calendar) {
	t.Helper()
	c := e.davCal(t, "bob@example.test", group, feature)
	list, err := c.List(context.Background())
	if err != nil || len(list) != 1 {
		t.Fatalf("%s collection: %d objects, err %v; want 1", feature, len(list), err)
	}
	return e.davGet(t, group, feature, list[0].Name)
}

// davGet reads one object and parses it strictly: one VCALENDAR.
func (e *testEnv) davGet(t *testing.T, group, feature, name string) (*groups.CalObject, *ical.Calendar) {
	t.Helper()
	o, err := e.davCal(t, "bob@example.test", group, feature).Get(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	cal, err := ical.NewDecoder(strings.NewReader(o.Data)).Decode()
	if err != nil {
		t.Fatalf("stored object does not parse: %v\n%s", err, o.Data)
	}
	return o, cal
}

// prop is a property's raw value in the first component named comp.
func prop(t *testing.T, cal *ical.Calendar, comp, name string) string {
	t.Helper()
	for _, c := range cal.Children {
		if c.Name == comp {
			if p := c.Props.Get(name); p != nil {
				return p.Value
			}
			return ""
		}
	}
	t.Fatalf("no %s in the object", comp)
	return ""
}

// rowForm finds the form in the page's <li> that mentions what (a task
// row) and returns its action and hidden fields.
func rowForm(t *testing.T, body, what string) (string, url.Values) {
	t.Helper()
	for _, li := range strings.Split(body, "<li>") {
		if strings.Contains(li, what) && strings.Contains(li, "<form") {
			return formIn(t, li[strings.Index(li, "<form"):])
		}
	}
	t.Fatalf("no form for %q on the page:\n%s", what, text(body))
	return "", nil
}

// formTo finds the form whose action contains to.
func formTo(t *testing.T, body, to string) (string, url.Values) {
	t.Helper()
	for _, f := range strings.Split(body, "<form")[1:] {
		if a, _, _ := strings.Cut(f, ">"); strings.Contains(a, to) {
			return formIn(t, "<form"+f)
		}
	}
	t.Fatalf("no form to %q on the page:\n%s", to, text(body))
	return "", nil
}

// formIn reads the action and hidden fields of the form that starts f.
func formIn(t *testing.T, f string) (string, url.Values) {
	f, _, _ = strings.Cut(f, "</form>")
	m := regexp.MustCompile(`action="([^"]+)"`).FindStringSubmatch(f)
	if m == nil {
		t.Fatalf("form without action: %s", f)
	}
	vals := url.Values{}
	for _, h := range regexp.MustCompile(`type="hidden" name="([^"]+)" value="([^"]*)"`).FindAllStringSubmatch(f, -1) {
		vals.Set(h[1], html.UnescapeString(h[2]))
	}
	return html.UnescapeString(m[1]), vals
}
