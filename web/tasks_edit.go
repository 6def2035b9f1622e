package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/emersion/go-ical"

	"groupd/groups"
)

// maxTaskSummary bounds a new task's summary, in characters.
const maxTaskSummary = 255

// taskCreate adds a task: a summary and an optional due date.
func (s *server) taskCreate(c *reqCtx) error {
	v, cal, err := s.openCalendar(c, groups.FeatureTask)
	if err != nil {
		return err
	}
	p := &tasksPage{Summary: strings.Join(strings.Fields(c.r.PostFormValue("summary")), " "),
		Due: strings.TrimSpace(c.r.PostFormValue("due")), Errors: map[string]string{}}
	switch n := len([]rune(p.Summary)); {
	case n == 0:
		p.Errors["summary"] = c.T("tasks.summary.required")
	case n > maxTaskSummary:
		p.Errors["summary"] = c.T("events.toolong", maxTaskSummary)
	}
	var due time.Time
	if p.Due != "" {
		if due, err = time.Parse("2006-01-02", p.Due); err != nil || due.Year() < 1 {
			p.Errors["due"] = c.T("events.date.invalid")
		}
	}
	if len(p.Errors) > 0 {
		return s.showTasks(c, http.StatusUnprocessableEntity, p)
	}
	comp := ical.NewComponent(ical.CompToDo)
	comp.Props.SetText(ical.PropSummary, p.Summary)
	comp.Props.SetText(ical.PropStatus, "NEEDS-ACTION")
	if !due.IsZero() {
		comp.Props.SetDate(ical.PropDue, due) // a DATE: due that day (RFC 5545 §3.8.2.3)
	}
	obj, uid := newCalendar(comp, s.opts.Now())
	first, last := spanAll()
	if _, err := putObject(c.r.Context(), cal, objectName(uid), uid, obj, "", first, last); err != nil {
		return err
	}
	return c.redirect("/g/" + v.G.ID + "/tasks?done=tasksaved")
}

// taskTick marks a task done (done=1) or open again (done=0). The form
// carries the ETag of the version the page showed; if an app changed the
// task meanwhile, nothing is written and the page says so.
func (s *server) taskTick(c *reqCtx) error {
	v, cal, err := s.openCalendar(c, groups.FeatureTask)
	if err != nil {
		return err
	}
	name := c.r.PathValue("name")
	o, err := cal.Get(c.r.Context(), name)
	if err != nil {
		return err
	}
	obj, err := decodeCal(o.Data)
	if err != nil {
		return &groups.Error{Kind: groups.ErrInvalid, Msg: c.T("tasks.unreadable")}
	}
	comp := master(obj, ical.CompToDo)
	if comp == nil {
		return errNotFound()
	}
	now := s.opts.Now()
	setDone(comp, c.r.PostFormValue("done") == "1", now)
	touch(comp, now)
	first, last := spanAll()
	_, err = putObject(c.r.Context(), cal, name, textProp(comp, ical.PropUID), obj, c.r.PostFormValue("etag"), first, last)
	if groups.IsPrecondition(err) {
		return s.showTasks(c, http.StatusConflict, &tasksPage{Errors: map[string]string{"": c.T("tasks.changed")}})
	}
	if err != nil {
		return err
	}
	return c.redirect("/g/" + v.G.ID + "/tasks?done=tasksaved")
}

// setDone completes a task as clients do: STATUS:COMPLETED, the
// COMPLETED time in UTC and PERCENT-COMPLETE:100 (RFC 5545 §3.8.1.11,
// §3.8.2.1, §3.8.1.8); reopening sets NEEDS-ACTION and 0 and drops the
// time.
func setDone(comp *ical.Component, done bool, now time.Time) {
	if done {
		comp.Props.SetText(ical.PropStatus, "COMPLETED")
		comp.Props.SetDateTime(ical.PropCompleted, now.UTC())
		setInt(comp, ical.PropPercentComplete, 100)
		return
	}
	comp.Props.SetText(ical.PropStatus, "NEEDS-ACTION")
	comp.Props.Del(ical.PropCompleted)
	setInt(comp, ical.PropPercentComplete, 0)
}
