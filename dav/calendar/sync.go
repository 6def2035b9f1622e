package calendar

import (
	"encoding/xml"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"groupd/groups"
)

// syncBody is DAV:sync-collection (RFC 6578 §6.1).
type syncBody struct {
	Token string    `xml:"DAV: sync-token"`
	Level string    `xml:"DAV: sync-level"`
	Prop  *anyElems `xml:"DAV: prop"`
}

// syncCollection answers REPORT sync-collection (RFC 6578 §3): the
// members changed since the token with the asked properties, the deleted
// ones as 404 responses, and the new token. A token we did not issue is
// answered 403 with DAV:valid-sync-token (§3.2). Its cost follows the
// number of changes, not the size of the collection.
func (h *handler) syncCollection(w http.ResponseWriter, r *http.Request, st *reqState, t target, body []byte) {
	if t.kind != kCollection {
		writeError(w, http.StatusForbidden, condSupportedRept, "sync-collection applies to a calendar collection")
		return
	}
	var sb syncBody
	if err := xml.Unmarshal(body, &sb); err != nil {
		writeError(w, http.StatusBadRequest, "", "the sync-collection report is not well-formed")
		return
	}
	if lvl := strings.TrimSpace(sb.Level); lvl != "" && lvl != "1" {
		writeError(w, http.StatusForbidden, "D:sync-traversal-supported", "only sync-level 1 is supported")
		return
	}
	since, ok := parseToken(sb.Token)
	if !ok {
		writeError(w, http.StatusForbidden, condValidToken, "the sync token is not valid; sync again without one")
		return
	}
	c, err := st.calendar(r.Context(), t.group, t.feature)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	changes, token, err := c.Changes(r.Context(), since)
	if errors.Is(err, groups.ErrInvalid) {
		writeError(w, http.StatusForbidden, condValidToken, "the sync token is not valid; sync again without one")
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	q := propReq{props: sb.Prop.names()}
	var live []string
	for _, ch := range changes {
		if !ch.Deleted {
			live = append(live, ch.Name)
		}
	}
	objs, err := c.GetMany(r.Context(), live)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	byName := map[string]*groups.CalObject{}
	for _, o := range objs {
		if !q.wants(calendarDataName) {
			o.Data = ""
		}
		byName[o.Name] = o
	}
	resps := make([]response, 0, len(changes))
	for _, ch := range changes {
		p := h.objPath(t.group, t.feature, ch.Name)
		o, ok := byName[ch.Name]
		if ch.Deleted || !ok {
			resps = append(resps, response{href: p, status: http.StatusNotFound})
			continue
		}
		resps = append(resps, objResponse(p, o, t.feature, q))
	}
	h.multistatus(w, resps, syncToken(token))
}

// parseToken reads a token we issued; "" is the initial sync (0).
func parseToken(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, true
	}
	n, err := strconv.ParseInt(strings.TrimPrefix(s, tokenPrefix), 10, 64)
	if err != nil || !strings.HasPrefix(s, tokenPrefix) || n < 0 {
		return 0, false
	}
	return n, true
}
