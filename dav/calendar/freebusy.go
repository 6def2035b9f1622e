package calendar

import (
	"encoding/xml"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/emersion/go-ical"

	"groupd/groups"
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
	if err != nil || win.start.IsZero() || win.end.IsZero() || !win.start.Before(win.end) {
		writeError(w, http.StatusBadRequest, "", "a free-busy-query needs a time-range with a start before its end")
		return
	}
	c, err := st.calendar(r.Context(), t.group, t.feature)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	cands, err := c.Candidates(r.Context(), win.start.Unix(), win.end.Unix())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	busy := map[string][]busyPeriod{}
	for _, o := range cands {
		cal, err := h.cache.parse(o)
		if err != nil {
			continue
		}
		collectBusy(newObject(cal, st.zone), *win, busy)
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Write([]byte(renderFreeBusy(*win, busy)))
}

type busyPeriod struct{ start, end time.Time }

func collectBusy(o *object, win window, busy map[string][]busyPeriod) {
	for _, c := range o.cal.Children {
		if c.Name != ical.CompEvent {
			continue
		}
		transp, _ := c.Props.Text(ical.PropTransparency)
		status, _ := c.Props.Text(ical.PropStatus)
		if strings.EqualFold(transp, "TRANSPARENT") || strings.EqualFold(status, "CANCELLED") {
			continue
		}
		kind := "BUSY"
		if strings.EqualFold(status, "TENTATIVE") {
			kind = "BUSY-TENTATIVE"
		}
		uid, _ := c.Props.Text(ical.PropUID)
		o.z.eachInstance(c, o.skip[uid], win, func(s, e time.Time) bool {
			if s.Before(win.start) {
				s = win.start
			}
			if e.After(win.end) {
				e = win.end
			}
			if e.After(s) {
				busy[kind] = append(busy[kind], busyPeriod{s.UTC(), e.UTC()})
			}
			return true
		})
	}
}

func renderFreeBusy(win window, busy map[string][]busyPeriod) string {
	const f = "20060102T150405Z"
	var b strings.Builder
	b.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//groupd//CalDAV//EN\r\nBEGIN:VFREEBUSY\r\n")
	b.WriteString("DTSTAMP:" + time.Now().UTC().Format(f) + "\r\n")
	b.WriteString("DTSTART:" + win.start.UTC().Format(f) + "\r\nDTEND:" + win.end.UTC().Format(f) + "\r\n")
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
