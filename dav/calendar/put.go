package calendar

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/emersion/go-ical"

	"groupd/groups"
)

// putState is a checked PUT body, ready to store.
type putState struct {
	uid         string
	data        string // canonical encoding
	first, last int64
}

// put checks a PUT of a calendar object (RFC 4791 §5.3.2) before handing
// it to go-webdav: size, media type, iCalendar syntax, one component type
// that the collection supports, one UID; then stores it. Nothing is
// stored unless every check passes. The answer is 201 for a new object,
// 204 for a replaced one, with the ETag of the stored bytes.
func (h *handler) put(w http.ResponseWriter, r *http.Request, st *reqState, t target) {
	if t.kind != kObject {
		writeError(w, http.StatusMethodNotAllowed, "", "only calendar objects can be written; collections are fixed")
		return
	}
	c, err := st.calendar(r.Context(), t.group, t.feature)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	max := h.opts.MaxResourceSize
	if r.ContentLength > max {
		writeError(w, http.StatusRequestEntityTooLarge, condMaxSize, fmt.Sprintf("a calendar object is at most %d bytes", max))
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, max+1))
	if err != nil {
		writeError(w, http.StatusBadRequest, "", "could not read the request body")
		return
	}
	if int64(len(body)) > max {
		writeError(w, http.StatusRequestEntityTooLarge, condMaxSize, fmt.Sprintf("a calendar object is at most %d bytes", max))
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != ical.MIMEType {
			writeError(w, http.StatusUnsupportedMediaType, condData, "a calendar object must be sent as text/calendar")
			return
		}
	}
	ps, code, cond, msg := h.checkObject(body, t.feature)
	if code != 0 {
		writeError(w, code, cond, msg)
		return
	}
	// Stored here rather than through go-webdav's handler, which would
	// parse the body a second time; the store checks the conditions and
	// the UID in its transaction.
	o, created, err := c.Put(r.Context(), groups.CalPut{Name: t.name, UID: ps.uid, Data: ps.data,
		First: ps.first, Last: ps.last, IfMatch: r.Header.Get("If-Match"), IfNoneMatch: r.Header.Get("If-None-Match")})
	var uc *groups.CalUIDConflict
	if errors.As(err, &uc) {
		// RFC 4791 §5.3.2.1: the answer names the object that holds the UID.
		writeErrorHref(w, http.StatusConflict, condUIDConflict, h.objPath(t.group, t.feature, uc.Name),
			"another object of this calendar ("+uc.Name+") already has this UID")
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("ETag", o.ETag)
	w.Header().Set("Last-Modified", o.Modified.UTC().Format(http.TimeFormat))
	if !created {
		w.WriteHeader(http.StatusNoContent) // RFC 9110 §9.3.4: replaced
		return
	}
	w.Header().Set("Location", hrefOf(h.objPath(t.group, t.feature, t.name)))
	w.WriteHeader(http.StatusCreated)
}

// checkObject parses and validates a body; code 0 means it is fine.
func (h *handler) checkObject(body []byte, feature string) (*putState, int, string, string) {
	cal, err := decodeOne(bytes.NewReader(body), true)
	if errors.Is(err, errTrailing) {
		return nil, http.StatusBadRequest, condValidData, err.Error()
	}
	if err != nil {
		return nil, http.StatusBadRequest, condValidData, "the body is not valid iCalendar: " + err.Error()
	}
	typ, uid, err := validate(cal)
	if err != nil {
		return nil, http.StatusBadRequest, condValidObject, err.Error()
	}
	want := ical.CompEvent
	if feature == groups.FeatureTask {
		want = ical.CompToDo
	}
	if typ != want {
		return nil, http.StatusForbidden, condComponent, fmt.Sprintf("this collection holds only %s components", want)
	}
	if uid == "" {
		return nil, http.StatusBadRequest, condValidObject, "every component needs a UID"
	}
	for _, c := range cal.Children {
		if c.Name == typ && c.Props.Get(ical.PropDateTimeStamp) == nil {
			// DTSTAMP is required (RFC 5545 §3.6.1) but often forgotten.
			c.Props.SetDateTime(ical.PropDateTimeStamp, time.Now().UTC())
		}
	}
	if cal.Props.Get(ical.PropProductID) == nil {
		cal.Props.SetText(ical.PropProductID, "-//groupd//CalDAV//EN")
	}
	if cal.Props.Get(ical.PropVersion) == nil {
		cal.Props.SetText(ical.PropVersion, "2.0")
	}
	var buf bytes.Buffer
	if err := encode(&buf, cal); err != nil {
		return nil, http.StatusBadRequest, condValidData, "the calendar object is not valid: " + err.Error()
	}
	if int64(buf.Len()) > h.opts.MaxResourceSize {
		return nil, http.StatusRequestEntityTooLarge, condMaxSize, "a calendar object is at most " + strconv.FormatInt(h.opts.MaxResourceSize, 10) + " bytes"
	}
	if code, cond, msg := checkLimits(cal); code != 0 {
		return nil, code, cond, msg
	}
	first, last := span(cal)
	return &putState{uid: uid, data: buf.String(), first: first, last: last}, 0, "", ""
}
