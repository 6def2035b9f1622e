package calendar

import (
	"encoding/xml"
	"errors"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/emersion/go-ical"

	"groupd/groups"
	"groupd/internal/recur"
)

// freeBusy answers REPORT free-busy-query (RFC 4791 §7.10) on an events
// collection: a VFREEBUSY with the busy periods of every instance in the
// range, merged; transparent and cancelled events are left out, tentative
// ones are BUSY-TENTATIVE.
func (h *handler) freeBusy(w http.ResponseWriter, r *http.Request, st *reqState, t target, body []byte) {
	if t.kind != kCollection || t.feature != groups.FeatureEvent {
		writeError(w, http.StatusForbidden, condSupportedRept, "free-busy-query applies to an events collection")
		return
	}
	var q struct {
		Range *xTimeRange `xml:"urn:ietf:params:xml:ns:caldav time-range"`
	}
	if err := xml.Unmarshal(body, &q); err != nil || q.Range == nil {
		writeError(w, http.StatusBadRequest, "", "a free-busy-query needs a time-range")
		return
	}
	win, err := q.Range.window()
	if err != nil || win.Start.IsZero() || win.End.IsZero() || !win.Start.Before(win.End) {
		writeError(w, http.StatusBadRequest, "", "a free-busy-query needs a time-range with a start before its end")
		return
	}
	c, err := st.calendar(r.Context(), t.group, t.feature)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	cands, err := c.Candidates(r.Context(), win.Start.Unix(), win.End.Unix())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	b := recur.NewBudget(h.opts.QueryLimits)
	busy := map[string][]busyPeriod{}
	for _, o := range cands {
		cal, err := h.cache.parse(o)
		if err != nil {
			continue
		}
		if err := collectBusy(recur.NewObject(cal, st.zone), *win, b, busy); err != nil {
			break
		}
	}
	if cut := b.Reason(); cut != nil {
		// A partial answer would show busy time as free.
		writeError(w, http.StatusInsufficientStorage, condMatches,
			"the free-busy answer would be incomplete: "+cut.Error()+"; ask for a shorter time-range")
		return
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Write([]byte(renderFreeBusy(*win, busy)))
}

type busyPeriod struct{ start, end time.Time }

// collectBusy adds the busy periods of one object's instances in win:
// transparent and cancelled ones are left out (RFC 5545 §3.8.2.7,
// §3.8.1.11), tentative ones are BUSY-TENTATIVE. It stops with the
// budget's *recur.LimitError.
func collectBusy(o *recur.Object, win recur.Range, b *recur.Budget, busy map[string][]busyPeriod) error {
	err := o.Expand(win, b, func(in recur.Instance) bool {
		transp, _ := in.Comp.Props.Text(ical.PropTransparency)
		status, _ := in.Comp.Props.Text(ical.PropStatus)
		if in.Comp.Name != ical.CompEvent || strings.EqualFold(transp, "TRANSPARENT") || strings.EqualFold(status, "CANCELLED") {
			return true
		}
		kind := "BUSY"
		if strings.EqualFold(status, "TENTATIVE") {
			kind = "BUSY-TENTATIVE"
		}
		s, e := in.Start, in.End
		if s.Before(win.Start) {
			s = win.Start
		}
		if e.After(win.End) {
			e = win.End
		}
		if e.After(s) {
			busy[kind] = append(busy[kind], busyPeriod{s.UTC(), e.UTC()})
		}
		return true
	})
	var le *recur.LimitError
	if errors.As(err, &le) {
		return err
	}
	return nil
}

func renderFreeBusy(win recur.Range, busy map[string][]busyPeriod) string {
	const f = "20060102T150405Z"
	var b strings.Builder
	b.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//groupd//CalDAV//EN\r\nBEGIN:VFREEBUSY\r\n")
	b.WriteString("DTSTAMP:" + time.Now().UTC().Format(f) + "\r\n")
	b.WriteString("DTSTART:" + win.Start.UTC().Format(f) + "\r\nDTEND:" + win.End.UTC().Format(f) + "\r\n")
	for _, kind := range []string{"BUSY", "BUSY-TENTATIVE"} {
		for _, p := range merge(busy[kind]) {
			b.WriteString("FREEBUSY;FBTYPE=" + kind + ":" + p.start.Format(f) + "/" + p.end.Format(f) + "\r\n")
		}
	}
	b.WriteString("END:VFREEBUSY\r\nEND:VCALENDAR\r\n")
	return b.String()
}

// merge joins overlapping and touching periods (RFC 5545 §3.8.2.6).
func merge(ps []busyPeriod) []busyPeriod {
	sort.Slice(ps, func(i, j int) bool { return ps[i].start.Before(ps[j].start) })
	var out []busyPeriod
	for _, p := range ps {
		if n := len(out); n > 0 && !p.start.After(out[n-1].end) {
			if p.end.After(out[n-1].end) {
				out[n-1].end = p.end
			}
			continue
		}
		out = append(out, p)
	}
	return out
}
