package web

import (
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/emersion/go-ical"

	"groupd/groups"
	"groupd/internal/recur"
)

// The Tasks tab: the group's VTODOs, open and done. A task is ticked
// done or reopened with a form of its own, and a simple task (a summary
// and an optional due date) is added; both store the object as a CalDAV
// client would, so that apps see the change (a new ETag and sync token).

// maxDoneShown bounds the done tasks listed, most recently done first.
const maxDoneShown = 50

// taskItem is a task as the page shows it.
type taskItem struct {
	Ref       string // the object's name, escaped for a URL path
	ETag      string
	Summary   string
	Due       string // the due date or time, "" when none
	Overdue   bool
	Done      bool
	Completed string // when it was done, "" when unknown
	sortKey   time.Time
}

// tasksPage is the tab, with the add form's values and refusals.
type tasksPage struct {
	*groupView
	Open     []taskItem
	Done     []taskItem
	MoreDone int
	Summary  string
	Due      string
	Errors   map[string]string // field ("" for the page) -> sentence
}

// Err is the sentence for a field, "" when none.
func (p *tasksPage) Err(field string) string { return p.Errors[field] }

func (s *server) tasksPage(c *reqCtx) error {
	return s.showTasks(c, http.StatusOK, &tasksPage{})
}

// showTasks lists the collection into p and renders it.
func (s *server) showTasks(c *reqCtx, status int, p *tasksPage) error {
	v, cal, err := s.openCalendar(c, groups.FeatureTask)
	if err != nil {
		return err
	}
	p.groupView = v
	list, err := cal.List(c.r.Context())
	if err != nil {
		return err
	}
	names := make([]string, len(list))
	for i, o := range list {
		names[i] = o.Name
	}
	objs, err := cal.GetMany(c.r.Context(), names)
	if err != nil {
		return err
	}
	now := s.opts.Now()
	for _, o := range objs {
		if it, ok := c.taskItem(o, now); !ok {
			continue
		} else if it.Done {
			p.Done = append(p.Done, it)
		} else {
			p.Open = append(p.Open, it)
		}
	}
	sortTasks(p.Open, false)
	sortTasks(p.Done, true)
	if len(p.Done) > maxDoneShown {
		p.MoreDone, p.Done = len(p.Done)-maxDoneShown, p.Done[:maxDoneShown]
	}
	return c.render(status, "tasks", c.T("tasks.title", v.G.Name), p)
}

// sortTasks: open tasks by due date (none last), done ones most recently
// done first; then by summary.
func sortTasks(list []taskItem, newestFirst bool) {
	sort.SliceStable(list, func(i, j int) bool {
		a, b := list[i], list[j]
		if !a.sortKey.Equal(b.sortKey) {
			if a.sortKey.IsZero() || b.sortKey.IsZero() {
				return b.sortKey.IsZero()
			}
			return a.sortKey.Before(b.sortKey) != newestFirst
		}
		return strings.ToLower(a.Summary) < strings.ToLower(b.Summary)
	})
}

// taskItem reads a stored object's main VTODO; ok is false for an
// object the console cannot read (it stays for the apps that wrote it).
func (c *reqCtx) taskItem(o *groups.CalObject, now time.Time) (taskItem, bool) {
	obj, err := decodeCal(o.Data)
	if err != nil {
		return taskItem{}, false
	}
	comp := master(obj, ical.CompToDo)
	if comp == nil {
		return taskItem{}, false
	}
	v := &view{c: c}
	z := recur.NewZones(obj, c.tz)
	it := taskItem{Ref: url.PathEscape(o.Name), ETag: o.ETag, Summary: textProp(comp, ical.PropSummary), Done: isDone(comp)}
	if it.Summary == "" {
		it.Summary = c.T("tasks.untitled")
	}
	if due, date, ok, _ := z.Prop(comp, ical.PropDue); ok {
		it.Due, it.sortKey = v.DateTime(due), due
		if date {
			it.Due = v.Date(due)
			due = due.AddDate(0, 0, 1) // due by the end of that day
		}
		it.Overdue = !it.Done && now.After(due)
	}
	if it.Done {
		it.sortKey = time.Time{}
		if t, _, ok, _ := z.Prop(comp, ical.PropCompleted); ok {
			it.Completed, it.sortKey = v.DateTime(t), t
		}
	}
	return it, true
}

// isDone: STATUS:COMPLETED or CANCELLED (RFC 5545 §3.8.1.11), or a
// COMPLETED time without a status.
func isDone(comp *ical.Component) bool {
	switch strings.ToUpper(textProp(comp, ical.PropStatus)) {
	case "COMPLETED", "CANCELLED":
		return true
	case "":
		return comp.Props.Get(ical.PropCompleted) != nil
	}
	return false
}
