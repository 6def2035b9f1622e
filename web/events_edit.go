package web

import (
	"net/http"
	"time"

	"github.com/emersion/go-ical"

	"groupd/groups"
	"groupd/internal/recur"
)

// eventUpdate saves the edit form into the stored object. The form
// carries the ETag it was filled from: when a calendar app changed the
// event meanwhile, the store refuses (If-Match, RFC 9110 §13.1.1) and
// the form comes back with what the user typed and a sentence.
func (s *server) eventUpdate(c *reqCtx) error {
	old, cal, obj, err := s.loadEvent(c)
	if err != nil {
		return err
	}
	f := &eventForm{groupView: old.groupView, Name: old.Name, Ref: old.Ref,
		ETag: c.r.PostFormValue("etag"), Recurring: old.Recurring, tzid: old.tzid, loc: old.loc}
	start, end := readEventForm(c, f)
	if len(f.Errors) > 0 {
		return s.showEventForm(c, http.StatusUnprocessableEntity, f)
	}
	comp := master(obj, ical.CompEvent)
	setTexts(comp, f)
	if f.when() != old.when() {
		setWhen(comp, f, start, end)
	}
	touch(comp, s.opts.Now())
	first, last := eventSpan(obj)
	_, err = putObject(c.r.Context(), cal, f.Name, textProp(comp, ical.PropUID), obj, f.ETag, first, last)
	if groups.IsPrecondition(err) {
		f.Errors[""] = c.T("events.changed")
		f.ETag = old.ETag
		return s.showEventForm(c, http.StatusConflict, f)
	}
	if err != nil {
		return err
	}
	month := old.Date
	if f.Date != "" {
		month = f.Date
	}
	if len(month) >= 7 {
		month = month[:7]
	}
	return c.redirect("/g/" + f.G.ID + "/events/month?month=" + month + "&done=eventsaved")
}

// eventSpan bounds a stored event's instances for the store's
// candidates, as the CalDAV handler does: one non-recurring VEVENT spans
// its own time (widened for floating times), anything else all time.
func eventSpan(obj *ical.Calendar) (int64, int64) {
	var events []*ical.Component
	for _, c := range obj.Children {
		if c.Name == ical.CompEvent {
			events = append(events, c)
		}
	}
	if len(events) != 1 {
		return spanAll()
	}
	c := events[0]
	if c.Props.Get(ical.PropRecurrenceRule) != nil || c.Props.Get(ical.PropRecurrenceDates) != nil ||
		c.Props.Get(ical.PropRecurrenceID) != nil {
		return spanAll()
	}
	z := recur.NewZones(obj, time.UTC)
	start, date, ok, _ := z.Prop(c, ical.PropDateTimeStart)
	if !ok {
		return spanAll()
	}
	end, err := z.End(c, start, date)
	if err != nil {
		return spanAll()
	}
	return start.Unix() - spanSlack, end.Unix() + spanSlack
}

// eventDelete removes the event, if it is still the version the page
// showed.
func (s *server) eventDelete(c *reqCtx) error {
	v, cal, err := s.openCalendar(c, groups.FeatureEvent)
	if err != nil {
		return err
	}
	err = cal.Delete(c.r.Context(), c.r.PathValue("name"), c.r.PostFormValue("etag"))
	if groups.IsPrecondition(err) {
		return &groups.Error{Kind: groups.ErrConflict, Msg: c.T("events.changed.delete")}
	}
	if err != nil {
		return err
	}
	return c.redirect("/g/" + v.G.ID + "/events?done=eventdeleted")
}
