package calendar

import (
	"encoding/xml"
	"errors"
	"net/http"
	"strconv"

	"groupd/groups"
	"groupd/internal/recur"
)

// report answers REPORT: sync-collection (RFC 6578), free-busy-query
// (RFC 4791 §7.10), calendar-query and calendar-multiget. The last two
// are ours rather than go-webdav's, whose handler re-parses and
// re-encodes every object and drops parts of the filter: we answer from
// the stored bytes, one query per collection.
func (h *handler) report(w http.ResponseWriter, r *http.Request, st *reqState, t target) {
	body, ok := h.requestBody(w, r)
	if !ok {
		return
	}
	root, err := rootName(body)
	if err != nil {
		writeError(w, http.StatusBadRequest, "", "the REPORT body is not XML")
		return
	}
	switch root {
	case xml.Name{Space: nsDAV, Local: "sync-collection"}:
		h.syncCollection(w, r, st, t, body)
		return
	case xml.Name{Space: nsCal, Local: "free-busy-query"}:
		h.freeBusy(w, r, st, t, body)
		return
	case xml.Name{Space: nsCal, Local: "calendar-query"}:
		q, err := h.prepareQuery(r, st, t, body)
		if err != nil {
			h.failReport(w, r, err)
			return
		}
		h.calendarQuery(w, r, st, t, q)
	case xml.Name{Space: nsCal, Local: "calendar-multiget"}:
		hrefs, targets, q, err := h.prefetch(r, st, body)
		if err != nil {
			h.failReport(w, r, err)
			return
		}
		h.multiget(w, st, hrefs, targets, q)
	default:
		writeError(w, http.StatusForbidden, condSupportedRept, "this report is not supported here")
	}
}

// calendarQuery answers calendar-query (RFC 4791 §7.8) from the stored
// bytes: matching needs the parse, the answer does not.
func (h *handler) calendarQuery(w http.ResponseWriter, r *http.Request, st *reqState, t target, q propReq) {
	c, err := st.calendar(r.Context(), t.group, t.feature)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	b := recur.NewBudget(h.opts.QueryLimits)
	objs, cut, err := h.matching(r.Context(), st, c, st.filter, b)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	resps := make([]response, 0, len(objs)+1)
	size := int64(0)
	for _, o := range objs {
		if !q.wants(calendarDataName) {
			o.Data = ""
		}
		if err := h.shapeData(o, q.data, st.zone, b); err != nil {
			cut = b.Reason() // left out, as matching leaves out what it cannot judge
			if b.Exhausted() {
				break
			}
			continue
		}
		if size += int64(len(o.Data)) + 512; size > h.opts.MaxReportBytes {
			why := "the matching calendar data exceeds " + strconv.FormatInt(h.opts.MaxReportBytes, 10) +
				" bytes; ask for a shorter time-range or fewer properties"
			resps = append(resps, truncatedResponse(h.collPath(t.group, t.feature), why))
			cut = nil
			break
		}
		resps = append(resps, objResponse(h.objPath(t.group, t.feature, o.Name), o, t.feature, q))
	}
	if cut != nil {
		resps = append(resps, truncatedResponse(h.collPath(t.group, t.feature), cut.Error()))
	}
	h.multistatus(w, resps, "")
}

// reportProps is the DAV:prop, allprop or propname of a REPORT.
func reportProps(all, names *struct{}, props *anyElems) propReq {
	switch {
	case names != nil:
		return propReq{names: true}
	case props != nil:
		return propReq{props: props.names()}
	}
	return propReq{all: true}
}

func (h *handler) failReport(w http.ResponseWriter, r *http.Request, err error) {
	var bq badQuery
	if errors.As(err, &bq) {
		writeError(w, http.StatusBadRequest, "", string(bq))
		return
	}
	h.fail(w, r, err)
}

// prepareQuery decodes the calendar-query filter in full (go-webdav drops
// parts of it) and checks the collection.
func (h *handler) prepareQuery(r *http.Request, st *reqState, t target, body []byte) (propReq, error) {
	if t.kind != kCollection {
		return propReq{}, &groups.Error{Kind: groups.ErrNotFound, Msg: "calendar-query applies to a calendar collection"}
	}
	if _, err := st.calendar(r.Context(), t.group, t.feature); err != nil {
		return propReq{}, err
	}
	var q xQuery
	if err := xml.Unmarshal(body, &q); err != nil {
		return propReq{}, badQuery("the calendar-query is not well-formed: " + err.Error())
	}
	if q.Filter.Comp.Name == "" {
		return propReq{}, badQuery("a calendar-query needs a filter with a VCALENDAR comp-filter")
	}
	f, err := q.Filter.Comp.decode()
	if err != nil {
		return propReq{}, err
	}
	st.filter = &f
	st.zone = queryZone(q.Timezone)
	pr := reportProps(q.AllProp, q.PropName, q.Prop)
	pr.data, err = calDataReq(q.Prop)
	return pr, err
}
