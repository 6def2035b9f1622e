package calendar

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"

	"groupd/groups"
)

// report answers REPORT: sync-collection (RFC 6578) and free-busy-query
// (RFC 4791 §7.10) here; calendar-query and calendar-multiget through
// go-webdav, with our own decoded filter and a prefetch of the objects.
func (h *handler) report(w http.ResponseWriter, r *http.Request, st *reqState, t target) {
	body, over, err := readBody(r, h.opts.MaxRequestBytes)
	if over {
		writeError(w, http.StatusRequestEntityTooLarge, "", "the request body is too large")
		return
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, "", "could not read the request body")
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
		if err := h.prepareQuery(r, st, t, body); err != nil {
			h.failReport(w, r, err)
			return
		}
	case xml.Name{Space: nsCal, Local: "calendar-multiget"}:
		if err := h.prefetch(r, st, body); err != nil {
			h.failReport(w, r, err)
			return
		}
	default:
		writeError(w, http.StatusForbidden, condSupportedRept, "this report is not supported here")
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/xml" && mt != "text/xml" {
		r.Header.Set("Content-Type", "application/xml")
	}
	h.dav.ServeHTTP(w, r)
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
func (h *handler) prepareQuery(r *http.Request, st *reqState, t target, body []byte) error {
	if t.kind != kCollection {
		return &groups.Error{Kind: groups.ErrNotFound, Msg: "calendar-query applies to a calendar collection"}
	}
	if _, err := st.calendar(r.Context(), t.group, t.feature); err != nil {
		return err
	}
	var q xQuery
	if err := xml.Unmarshal(body, &q); err != nil {
		return badQuery("the calendar-query is not well-formed: " + err.Error())
	}
	if q.Filter.Comp.Name == "" {
		return badQuery("a calendar-query needs a filter with a VCALENDAR comp-filter")
	}
	f, err := q.Filter.Comp.decode()
	if err != nil {
		return err
	}
	st.filter = &f
	st.zone = queryZone(q.Timezone)
	return nil
}

// prefetch loads every object a calendar-multiget names, one query per
// collection, so that go-webdav's per-href look-ups cost nothing.
func (h *handler) prefetch(r *http.Request, st *reqState, body []byte) error {
	var mg struct {
		Hrefs []string `xml:"DAV: href"`
	}
	if err := xml.Unmarshal(body, &mg); err != nil {
		return badQuery("the calendar-multiget is not well-formed")
	}
	byColl := map[string][]string{}
	targets := map[string]target{}
	for _, raw := range mg.Hrefs {
		u, err := url.Parse(raw)
		if err != nil || !checkRawPath(u) {
			continue
		}
		t, ok := parsePath(h.prefix, u.Path)
		if !ok || t.kind != kObject {
			continue
		}
		key := t.group + "/" + t.feature
		byColl[key] = append(byColl[key], t.name)
		targets[key] = t
	}
	st.objs, st.fetched = map[string]*groups.CalObject{}, map[string]bool{}
	for key, names := range byColl {
		t := targets[key]
		c, err := st.calendar(r.Context(), t.group, t.feature)
		if err != nil {
			continue // answered 404 per href by go-webdav
		}
		objs, err := c.GetMany(r.Context(), names)
		if err != nil {
			return err
		}
		for _, o := range objs {
			st.objs[key+"/"+o.Name] = o
		}
		st.fetched[key] = true
	}
	return nil
}
