package calendar

import (
	"encoding/xml"
	"net/http"
	"strings"

	"groupd/groups"
)

// propertyUpdate is DAV:propertyupdate (RFC 4918 §14.19), its set and
// remove instructions in document order.
type propertyUpdate struct {
	XMLName xml.Name
	Items   []struct {
		XMLName xml.Name
		Prop    anyElems `xml:"DAV: prop"`
	} `xml:",any"`
}

// patchable are the collection properties a member may set, kept per
// user: a client's color or order never changes what others see.
var patchable = map[xml.Name]string{
	{Space: nsDAV, Local: "displayname"}:      groups.CalPropDisplayName,
	{Space: nsApple, Local: "calendar-color"}: groups.CalPropColor,
	{Space: nsApple, Local: "calendar-order"}: groups.CalPropOrder,
}

// proppatch answers PROPPATCH (RFC 4918 §9.2) on a calendar collection:
// displayname, calendar-color and calendar-order are stored for the user
// (Apple Calendar gives up on a 403 here); anything else is refused with
// 403 and, the request being atomic, the rest with 424.
func (h *handler) proppatch(w http.ResponseWriter, r *http.Request, st *reqState, t target) {
	if t.kind != kCollection {
		writeError(w, http.StatusForbidden, "", "only a calendar collection's displayname, calendar-color and calendar-order can be set")
		return
	}
	c, err := st.calendar(r.Context(), t.group, t.feature)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	body, ok := h.requestBody(w, r)
	if !ok {
		return
	}
	var pu propertyUpdate
	if err := xml.Unmarshal(body, &pu); err != nil || pu.XMLName != (xml.Name{Space: nsDAV, Local: "propertyupdate"}) {
		writeError(w, http.StatusBadRequest, "", "the PROPPATCH body is not a DAV:propertyupdate document")
		return
	}
	set := map[string]*string{}
	var names, refused []xml.Name
	for _, it := range pu.Items {
		remove := it.XMLName == xml.Name{Space: nsDAV, Local: "remove"}
		if !remove && it.XMLName != (xml.Name{Space: nsDAV, Local: "set"}) {
			continue
		}
		for _, e := range it.Prop.Elems {
			names = append(names, e.XMLName)
			key, ok := patchable[e.XMLName]
			if !ok {
				refused = append(refused, e.XMLName)
				continue
			}
			v := strings.TrimSpace(e.Text)
			set[key] = &v
			if remove {
				set[key] = nil
			}
		}
	}
	p := h.collPath(t.group, t.feature)
	if len(refused) > 0 {
		h.multistatus(w, []response{patchFailure(p, names, refused)}, "")
		return
	}
	if err := c.SetProps(r.Context(), set); err != nil {
		h.fail(w, r, err)
		return
	}
	resp := response{href: p}
	for _, n := range names {
		resp.found = append(resp.found, prop{name: n})
	}
	h.multistatus(w, []response{resp}, "")
}

// patchFailure: 403 for the refused properties, 424 for the others.
func patchFailure(p string, names, refused []xml.Name) response {
	is := func(n xml.Name) bool {
		for _, x := range refused {
			if x == n {
				return true
			}
		}
		return false
	}
	r := response{href: p}
	for _, n := range names {
		if is(n) {
			r.forbidden = append(r.forbidden, n)
		} else {
			r.failed = append(r.failed, n)
		}
	}
	return r
}
