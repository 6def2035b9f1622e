package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"groupd/groups"
)

// The Events tab: the next 60 days' occurrences as a list, and a month
// as a table of weeks, both with recurring events expanded; the event
// form is in events_form.go.

// calendarRoutes registers the Events and Tasks tabs.
func (s *server) calendarRoutes() {
	m := s.mux
	m.Handle("GET /g/{id}/events", s.signedIn(s.eventsUpcoming))
	m.Handle("GET /g/{id}/events/month", s.signedIn(s.eventsMonth))
	m.Handle("GET /g/{id}/events/new", s.signedIn(s.eventNewForm))
	m.Handle("POST /g/{id}/events/new", s.signedIn(s.eventCreate))
	m.Handle("GET /g/{id}/events/{name}/edit", s.signedIn(s.eventEditForm))
	m.Handle("POST /g/{id}/events/{name}/edit", s.signedIn(s.eventUpdate))
	m.Handle("POST /g/{id}/events/{name}/delete", s.signedIn(s.eventDelete))
	m.Handle("GET /g/{id}/tasks", s.signedIn(s.tasksPage))
	m.Handle("POST /g/{id}/tasks/new", s.signedIn(s.taskCreate))
	m.Handle("POST /g/{id}/tasks/{name}/done", s.signedIn(s.taskTick))
}

// upcomingDays is how far ahead the list of upcoming events looks.
const upcomingDays = 60

// eventLine is an occurrence as a page shows it.
type eventLine struct {
	instance
	Ref  string // the object's name, escaped for a URL path
	When string // its time or "All day", in the viewer's zone
}

// eventDay is one day of the upcoming list.
type eventDay struct {
	Label  string
	Events []eventLine
}

// eventsPage is the upcoming list.
type eventsPage struct {
	*groupView
	Days      []eventDay
	Truncated bool
	Zone      string
}

// openCalendar reads the group for tab and opens its collection as the
// CalDAV handler does: the store answers a non-member, a removed member
// or a feature that is off with not found.
func (s *server) openCalendar(c *reqCtx, feature string) (*groupView, *groups.Calendar, error) {
	v, err := s.loadGroup(c, feature)
	if err != nil {
		return nil, nil, err
	}
	cal, err := s.store.Calendar(c.r.Context(), c.actor(), v.G.ID, feature)
	if err != nil {
		return nil, nil, err
	}
	return v, cal, nil
}

// expand collects the occurrences of cal's events that meet [from, to):
// the store narrows the objects by their span, the expander does the rest.
func (s *server) expand(c *reqCtx, cal *groups.Calendar, from, to time.Time) (*expander, error) {
	objs, err := cal.Candidates(c.r.Context(), from.Unix(), to.Unix())
	if err != nil {
		return nil, err
	}
	x := newExpander(c.tz, from, to)
	for _, o := range objs {
		x.object(o)
	}
	return x, nil
}

func (s *server) eventsUpcoming(c *reqCtx) error {
	v, cal, err := s.openCalendar(c, groups.FeatureEvent)
	if err != nil {
		return err
	}
	now := s.opts.Now().In(c.tz)
	x, err := s.expand(c, cal, now, now.AddDate(0, 0, upcomingDays))
	if err != nil {
		return err
	}
	p := &eventsPage{groupView: v, Truncated: x.truncated, Zone: c.tz.String()}
	today := dayOf(now)
	for _, in := range x.sorted() {
		day := dayOf(in.Start)
		if day.Before(today) {
			day = today // under way: listed today
		}
		label := c.dayLabel(day)
		if n := len(p.Days); n == 0 || p.Days[n-1].Label != label {
			p.Days = append(p.Days, eventDay{Label: label})
		}
		d := &p.Days[len(p.Days)-1]
		d.Events = append(d.Events, c.eventLine(in))
	}
	return c.render(http.StatusOK, "events", c.T("events.title", v.G.Name), p)
}

// dayOf is the midnight that starts t's day, in t's zone.
func dayOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}

// dayLabel is a day with its weekday, in the user's language.
func (c *reqCtx) dayLabel(day time.Time) string {
	v := &view{c: c}
	return c.T("cal.day", c.T("cal.wd."+strconv.Itoa(int(day.Weekday()))), v.Date(day))
}

// eventLine says when an occurrence is: its times on one day, "All day",
// or its dates when it spans several days.
func (c *reqCtx) eventLine(in instance) eventLine {
	v := &view{c: c}
	l := eventLine{instance: in, Ref: url.PathEscape(in.Name)}
	switch {
	case in.AllDay && !in.End.After(in.Start.AddDate(0, 0, 1)):
		l.When = c.T("events.allday")
	case in.AllDay:
		l.When = c.T("events.allday.until", v.Date(in.End.AddDate(0, 0, -1)))
	case !in.End.After(in.Start):
		l.When = in.Start.Format("15:04")
	case dayOf(in.End).Equal(dayOf(in.Start)) || in.End.Equal(dayOf(in.Start).AddDate(0, 0, 1)):
		l.When = in.Start.Format("15:04") + "–" + in.End.Format("15:04")
	default:
		l.When = in.Start.Format("15:04") + " – " + v.DateTime(in.End)
	}
	return l
}
