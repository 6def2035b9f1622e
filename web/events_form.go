package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/emersion/go-ical"

	"groupd/groups"
	"groupd/internal/recur"
)

// The event form: a simple event (title, date, start and end time or
// all day, location, description), created or edited in the group's
// events collection as one VEVENT in one VCALENDAR, the way a CalDAV
// client would store it. Editing keeps everything the form does not show
// (a repeat rule, alarms, attendees); the date and times are rewritten
// only when the user changed them.

// Limits of the form's texts, in characters.
const (
	maxEventTitle = 255
	maxEventPlace = 255
	maxEventText  = 16 << 10
)

// eventForm is the form with what the user typed and the refusals.
type eventForm struct {
	*groupView
	Name        string // the object's name; "" for a new event
	Ref         string // Name escaped for a URL path
	ETag        string // the version the form was filled from
	Recurring   bool
	Title       string
	Date        string // 2006-01-02
	Start, End  string // 15:04
	AllDay      bool
	Location    string
	Description string
	Errors      map[string]string // field ("" for the form) -> sentence
	tzid        string            // the stored DTSTART's TZID, kept on edits
	loc         *time.Location    // that TZID's zone
}

// Err is the sentence for a field, "" when none.
func (f *eventForm) Err(field string) string { return f.Errors[field] }

// when is the form's date and times, to tell whether the user changed them.
func (f *eventForm) when() string {
	if f.AllDay {
		return f.Date
	}
	return f.Date + " " + f.Start + " " + f.End
}

func (s *server) showEventForm(c *reqCtx, status int, f *eventForm) error {
	title := c.T("events.new")
	if f.Name != "" {
		title = c.T("events.edit")
	}
	return c.render(status, "eventform", title, f)
}

func (s *server) eventNewForm(c *reqCtx) error {
	v, _, err := s.openCalendar(c, groups.FeatureEvent)
	if err != nil {
		return err
	}
	f := &eventForm{groupView: v, Start: "09:00", End: "10:00", Date: s.opts.Now().In(c.tz).Format("2006-01-02")}
	if d := c.r.URL.Query().Get("date"); d != "" {
		if _, err := time.Parse("2006-01-02", d); err == nil {
			f.Date = d
		}
	}
	return s.showEventForm(c, http.StatusOK, f)
}

// readEventForm reads and checks the posted fields; it returns the
// start and end (for an all-day event, the first day and the day after
// the last, RFC 5545 §3.6.1) when they are valid.
func readEventForm(c *reqCtx, f *eventForm) (start, end time.Time) {
	v := c.r.PostFormValue
	f.Title = strings.Join(strings.Fields(v("title")), " ")
	f.Date, f.Start, f.End = strings.TrimSpace(v("date")), strings.TrimSpace(v("start")), strings.TrimSpace(v("end"))
	f.AllDay = v("allday") != ""
	f.Location = strings.Join(strings.Fields(v("location")), " ")
	f.Description = strings.TrimSpace(strings.ReplaceAll(v("description"), "\r\n", "\n"))
	f.Errors = map[string]string{}
	checkLen := func(field, val string, max int) {
		if len([]rune(val)) > max {
			f.Errors[field] = c.T("events.toolong", max)
		}
	}
	if f.Title == "" {
		f.Errors["title"] = c.T("events.title.required")
	}
	checkLen("title", f.Title, maxEventTitle)
	checkLen("location", f.Location, maxEventPlace)
	checkLen("description", f.Description, maxEventText)
	day, err := time.ParseInLocation("2006-01-02", f.Date, c.tz)
	if err != nil || day.Year() < 1 || day.Year() > 9999 {
		f.Errors["date"] = c.T("events.date.invalid")
		return
	}
	if f.AllDay {
		return day, day.AddDate(0, 0, 1)
	}
	start, ok := clock(day, f.Start)
	if !ok {
		f.Errors["start"] = c.T("events.time.invalid")
		return
	}
	end = start.Add(time.Hour)
	if f.End != "" {
		if end, ok = clock(day, f.End); !ok {
			f.Errors["end"] = c.T("events.time.invalid")
		} else if !end.After(start) {
			f.Errors["end"] = c.T("events.end.before")
		}
	}
	return start, end
}

// clock is hh:mm on day, in day's zone.
func clock(day time.Time, hm string) (time.Time, bool) {
	t, err := time.Parse("15:04", hm)
	if err != nil {
		return time.Time{}, false
	}
	return time.Date(day.Year(), day.Month(), day.Day(), t.Hour(), t.Minute(), 0, 0, day.Location()), true
}

// setWhen writes DTSTART and DTEND: DATE values for an all-day event,
// UTC DATE-TIMEs otherwise (RFC 5545 §3.3.5 form 2), which every client
// reads without a VTIMEZONE. An edited event that had its times in a
// TZID keeps it (form 3), so that a series stays in step with its zone's
// daylight saving and its VTIMEZONE.
func setWhen(comp *ical.Component, f *eventForm, start, end time.Time) {
	comp.Props.Del(ical.PropDuration)
	for name, t := range map[string]time.Time{ical.PropDateTimeStart: start, ical.PropDateTimeEnd: end} {
		p := ical.NewProp(name)
		switch {
		case f.AllDay:
			p.SetDate(time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC))
		case f.tzid != "":
			p.Params.Set(ical.PropTimezoneID, f.tzid)
			p.Value = t.In(f.loc).Format("20060102T150405")
		default:
			p.SetDateTime(t.UTC())
		}
		comp.Props.Set(p)
	}
}

// setTexts writes the form's texts into the event.
func setTexts(comp *ical.Component, f *eventForm) {
	setText(comp, ical.PropSummary, f.Title)
	setText(comp, ical.PropLocation, f.Location)
	setText(comp, ical.PropDescription, f.Description)
}

func (s *server) eventCreate(c *reqCtx) error {
	v, cal, err := s.openCalendar(c, groups.FeatureEvent)
	if err != nil {
		return err
	}
	f := &eventForm{groupView: v}
	start, end := readEventForm(c, f)
	if len(f.Errors) > 0 {
		return s.showEventForm(c, http.StatusUnprocessableEntity, f)
	}
	comp := ical.NewComponent(ical.CompEvent)
	setTexts(comp, f)
	setWhen(comp, f, start, end)
	obj, uid := newCalendar(comp, s.opts.Now())
	_, err = putObject(c.r.Context(), cal, objectName(uid), uid, obj, "", start.Unix()-spanSlack, end.Unix()+spanSlack)
	if err != nil {
		return err
	}
	return c.redirect("/g/" + v.G.ID + "/events/month?month=" + start.Format("2006-01") + "&done=eventsaved")
}

// loadEvent reads the event named in the path and fills the form from
// its main VEVENT, in the user's time zone.
func (s *server) loadEvent(c *reqCtx) (*eventForm, *groups.Calendar, *ical.Calendar, error) {
	v, cal, err := s.openCalendar(c, groups.FeatureEvent)
	if err != nil {
		return nil, nil, nil, err
	}
	name := c.r.PathValue("name")
	o, err := cal.Get(c.r.Context(), name)
	if err != nil {
		return nil, nil, nil, err
	}
	obj, err := decodeCal(o.Data)
	if err != nil {
		return nil, nil, nil, &groups.Error{Kind: groups.ErrInvalid, Msg: c.T("events.unreadable")}
	}
	comp := master(obj, ical.CompEvent)
	if comp == nil {
		return nil, nil, nil, errNotFound()
	}
	f := &eventForm{groupView: v, Name: name, Ref: url.PathEscape(name), ETag: o.ETag,
		Title: textProp(comp, ical.PropSummary), Location: textProp(comp, ical.PropLocation),
		Description: textProp(comp, ical.PropDescription),
		Recurring:   comp.Props.Get(ical.PropRecurrenceRule) != nil || comp.Props.Get(ical.PropRecurrenceDates) != nil}
	z := recur.NewZones(obj, c.tz)
	if p := comp.Props.Get(ical.PropDateTimeStart); p != nil {
		if loc, ok := z.Location(p.Params.Get(ical.PropTimezoneID)); ok {
			f.tzid, f.loc = p.Params.Get(ical.PropTimezoneID), loc
		}
	}
	if start, date, ok, _ := z.Prop(comp, ical.PropDateTimeStart); ok {
		end, _ := z.End(comp, start, date)
		start = start.In(c.tz)
		f.AllDay, f.Date = date, start.Format("2006-01-02")
		f.Start, f.End = start.Format("15:04"), end.In(c.tz).Format("15:04")
	}
	return f, cal, obj, nil
}

func (s *server) eventEditForm(c *reqCtx) error {
	f, _, _, err := s.loadEvent(c)
	if err != nil {
		return err
	}
	return s.showEventForm(c, http.StatusOK, f)
}
