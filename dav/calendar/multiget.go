package calendar

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"groupd/groups"
	"groupd/internal/recur"
)

// multiget answers calendar-multiget (RFC 4791 §7.9): every href in
// order, 404 for those missing or not the user's. Objects come from
// st.entries (the answer cache, answercache.go) or, when calendar-data
// is to be expanded or limited (§9.6.5, §9.6.6), from st.objs, read for
// this request and shaped.
func (h *handler) multiget(w http.ResponseWriter, st *reqState, hrefs []string, targets []target, q propReq) {
	resps := make([]response, 0, len(hrefs))
	b := recur.NewBudget(h.opts.QueryLimits)
	for i, raw := range hrefs {
		t := targets[i]
		k := objKey{t.group, t.feature, t.name}
		if e := st.entries[k]; e != nil {
			resps = append(resps, e.response(h.objPath(t.group, t.feature, e.o.Name), t.feature, q))
			continue
		}
		o := st.objs[k]
		if o == nil {
			p := raw
			if u, err := url.Parse(raw); err == nil {
				p = u.Path
			}
			resps = append(resps, response{href: p, status: http.StatusNotFound})
			continue
		}
		if !q.wants(calendarDataName) {
			o.Data = ""
		}
		p := h.objPath(t.group, t.feature, o.Name)
		if err := h.shapeData(o, q.data, time.UTC, b); err != nil {
			resps = append(resps, truncatedResponse(p, err.Error()))
			continue
		}
		resps = append(resps, objResponse(p, o, t.feature, q))
	}
	h.multistatus(w, resps, "")
}

// hrefTarget resolves an href (a path or an absolute URL) to an object.
func hrefTarget(prefix, raw string) (target, bool) {
	p := raw
	if strings.ContainsAny(raw, "%:?#") {
		u, err := url.Parse(raw)
		if err != nil || !checkRawPath(u) {
			return target{}, false
		}
		p = u.Path
	} else if !checkSegments(raw) {
		// A plain path (the usual href): nothing to decode.
		return target{}, false
	}
	t, ok := parsePath(prefix, p)
	return t, ok && t.kind == kObject
}

// prefetch loads every object a calendar-multiget names, one query per
// collection (none for objects in the answer cache). The targets are
// those of the hrefs, the zero target for an href that names no object.
func (h *handler) prefetch(r *http.Request, st *reqState, body []byte) ([]string, []target, propReq, error) {
	mg, err := parseMultiget(body)
	if err != nil {
		return nil, nil, propReq{}, badQuery("the calendar-multiget is not well-formed")
	}
	type coll struct{ group, feature string }
	byColl := map[coll][]string{}
	each := make([]target, len(mg.hrefs))
	for i, raw := range mg.hrefs {
		t, ok := hrefTarget(h.prefix, raw)
		if !ok {
			continue
		}
		each[i] = t
		c := coll{t.group, t.feature}
		byColl[c] = append(byColl[c], t.name)
	}
	st.objs = map[objKey]*groups.CalObject{}
	st.entries = make(map[objKey]*objEntry, len(mg.hrefs))
	for cl, names := range byColl {
		// The user's membership is checked here, before anything of the
		// collection is read, cached or not.
		c, err := st.calendar(r.Context(), cl.group, cl.feature)
		if err != nil {
			continue // answered 404 per href
		}
		if !mg.q.data.active() {
			if err := h.answers.load(r.Context(), st, c, names); err != nil {
				return nil, nil, propReq{}, err
			}
			continue
		}
		objs, err := c.GetMany(r.Context(), names)
		if err != nil {
			return nil, nil, propReq{}, err
		}
		for _, o := range objs {
			st.objs[objKey{cl.group, cl.feature, o.Name}] = o
		}
	}
	return mg.hrefs, each, mg.q, nil
}
