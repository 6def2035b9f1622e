package web

import (
	"net/http"
	"strconv"
	"time"

	"groupd/groups"
)

// The month view: a table of weeks, Sunday first, with each day's
// occurrences (recurring events expanded). ?month=2026-12 picks the
// month; without it, the current month in the user's time zone.

// maxPerDay bounds the occurrences written in one day's cell; the rest
// are counted ("3 more").
const maxPerDay = 8

// monthCell is one day of the table.
type monthCell struct {
	Day     int
	Date    string // 2006-01-02, for the new-event link
	InMonth bool
	Today   bool
	Events  []eventLine
	More    int
}

// monthPage is the month view.
type monthPage struct {
	*groupView
	Title      string
	Prev, Next string // ?month= values
	Weekdays   []string
	Weeks      [][]monthCell
	Truncated  bool
	Zone       string
}

// monthParam reads ?month=YYYY-MM as the first of that month in tz;
// anything else is the current month.
func monthParam(q string, now time.Time, tz *time.Location) time.Time {
	if t, err := time.ParseInLocation("2006-01", q, tz); err == nil && t.Year() >= 1 && t.Year() <= 9999 {
		return t
	}
	y, m, _ := now.In(tz).Date()
	return time.Date(y, m, 1, 0, 0, 0, 0, tz)
}

func (s *server) eventsMonth(c *reqCtx) error {
	v, cal, err := s.openCalendar(c, groups.FeatureEvent)
	if err != nil {
		return err
	}
	now := s.opts.Now().In(c.tz)
	first := monthParam(c.r.URL.Query().Get("month"), now, c.tz)
	last := first.AddDate(0, 1, -1)
	gridStart := first.AddDate(0, 0, -int(first.Weekday()))
	gridEnd := last.AddDate(0, 0, 7-int(last.Weekday()))
	x, err := s.expand(c, cal, gridStart, gridEnd)
	if err != nil {
		return err
	}
	p := &monthPage{groupView: v, Truncated: x.truncated, Zone: c.tz.String(),
		Title: c.T("cal.month.title", first.Year(), first.Month().String(), int(first.Month())),
		Prev:  first.AddDate(0, -1, 0).Format("2006-01"), Next: first.AddDate(0, 1, 0).Format("2006-01")}
	for wd := range 7 {
		p.Weekdays = append(p.Weekdays, c.T("cal.wd."+strconv.Itoa(wd)))
	}
	occ := x.sorted()
	today := dayOf(now)
	for d := gridStart; d.Before(gridEnd); d = d.AddDate(0, 0, 1) {
		if d.Weekday() == time.Sunday {
			p.Weeks = append(p.Weeks, nil)
		}
		cell := monthCell{Day: d.Day(), Date: d.Format("2006-01-02"), InMonth: d.Month() == first.Month(), Today: d.Equal(today)}
		next := d.AddDate(0, 0, 1)
		for _, in := range occ {
			if !meets(in, d, next) {
				continue
			}
			if len(cell.Events) < maxPerDay {
				cell.Events = append(cell.Events, c.eventLine(in))
			} else {
				cell.More++
			}
		}
		w := len(p.Weeks) - 1
		p.Weeks[w] = append(p.Weeks[w], cell)
	}
	return c.render(http.StatusOK, "eventsmonth", c.T("events.title", v.G.Name), p)
}

// meets reports whether an occurrence falls on the day [d, next): it
// overlaps it, or it is an instant within it.
func meets(in instance, d, next time.Time) bool {
	if !in.End.After(in.Start) {
		return !in.Start.Before(d) && in.Start.Before(next)
	}
	return in.Start.Before(next) && in.End.After(d)
}
