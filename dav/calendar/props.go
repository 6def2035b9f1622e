package calendar

import (
	"context"
	"encoding/xml"
	"net/http"
	"strconv"
	"strings"

	"groupd/groups"
)

// Live properties of every kind of resource (RFC 4918 §15, RFC 4791 §5.2,
// §6.2, RFC 5397, RFC 6578 §4, CalendarServer getctag, Apple's
// calendar-color and calendar-order).

const tokenPrefix = "urn:groupd:sync:"

func syncToken(n int64) string { return tokenPrefix + strconv.FormatInt(n, 10) }

func (h *handler) commonProps(st *reqState) []prop {
	return []prop{
		dav("current-user-principal", href(h.principalPath(st.user.Email))),
		dav("principal-collection-set", href(h.prefix+"/principals/")),
	}
}

func (h *handler) rootProps(st *reqState) []prop {
	return append(h.commonProps(st),
		dav("resourcetype", "<d:collection/>"),
		textProp(xml.Name{Space: nsDAV, Local: "displayname"}, "groupd"),
		cal("calendar-home-set", href(h.homePath())))
}

func (h *handler) principalsProps(st *reqState) []prop {
	return append(h.commonProps(st),
		dav("resourcetype", "<d:collection/>"),
		textProp(xml.Name{Space: nsDAV, Local: "displayname"}, "Principals"))
}

func (h *handler) principalProps(st *reqState) []prop {
	u := st.user
	return append(h.commonProps(st),
		dav("resourcetype", "<d:collection/><d:principal/>"),
		textProp(xml.Name{Space: nsDAV, Local: "displayname"}, u.Name),
		dav("principal-URL", href(h.principalPath(u.Email))),
		cal("calendar-home-set", href(h.homePath())),
		cal("calendar-user-address-set", "<d:href>mailto:"+escape(u.Email)+"</d:href>"),
		cal("calendar-user-type", "INDIVIDUAL"))
}

func (h *handler) homeProps(st *reqState) []prop {
	return append(h.commonProps(st),
		dav("resourcetype", "<d:collection/>"),
		textProp(xml.Name{Space: nsDAV, Local: "displayname"}, "Calendars"),
		dav("owner", href(h.principalPath(st.user.Email))),
		dav("current-user-privilege-set", "<d:privilege><d:read/></d:privilege>"))
}

func (h *handler) groupProps(st *reqState, name string) []prop {
	return append(h.commonProps(st),
		dav("resourcetype", "<d:collection/>"),
		textProp(xml.Name{Space: nsDAV, Local: "displayname"}, name))
}

// collProps are a collection's properties, with the user's own
// displayname, color and order when set by PROPPATCH.
func (h *handler) collProps(ctx context.Context, st *reqState, c *groups.Calendar, token int64) ([]prop, error) {
	mine, err := c.Props(ctx)
	if err != nil {
		return nil, err
	}
	comp := "VEVENT"
	if c.Feature == groups.FeatureTask {
		comp = "VTODO"
	}
	name := collName(c, h.store.Language())
	if v, ok := mine[groups.CalPropDisplayName]; ok {
		name = v
	}
	ps := append(h.commonProps(st),
		dav("resourcetype", "<d:collection/><c:calendar/>"),
		textProp(xml.Name{Space: nsDAV, Local: "displayname"}, name),
		cal("supported-calendar-component-set", `<c:comp name="`+comp+`"/>`),
		cal("supported-calendar-data", `<c:calendar-data content-type="text/calendar" version="2.0"/>`),
		cal("max-resource-size", strconv.FormatInt(h.opts.MaxResourceSize, 10)),
		cal("max-instances", strconv.Itoa(maxInstances)), // RFC 4791 §5.2.8; limits.go
		prop{name: xml.Name{Space: nsCS, Local: "getctag"}, inner: syncToken(token)},
		dav("sync-token", syncToken(token)),
		dav("owner", href(h.principalPath(st.user.Email))),
		dav("current-user-privilege-set", "<d:privilege><d:read/></d:privilege><d:privilege><d:write/></d:privilege>"+
			"<d:privilege><d:write-content/></d:privilege><d:privilege><d:write-properties/></d:privilege>"+
			"<d:privilege><d:bind/></d:privilege><d:privilege><d:unbind/></d:privilege>"+
			"<d:privilege><d:read-current-user-privilege-set/></d:privilege>"),
		dav("supported-report-set", supportedReports(c.Feature)))
	color := collColor(c.GroupID, c.Feature)
	if v, ok := mine[groups.CalPropColor]; ok {
		color = v
	}
	ps = append(ps, textProp(xml.Name{Space: nsApple, Local: "calendar-color"}, color))
	if v, ok := mine[groups.CalPropOrder]; ok {
		ps = append(ps, textProp(xml.Name{Space: nsApple, Local: "calendar-order"}, v))
	}
	return ps, nil
}

func supportedReports(feature string) string {
	reports := []string{"<c:calendar-query/>", "<c:calendar-multiget/>", "<d:sync-collection/>"}
	if feature == groups.FeatureEvent {
		reports = append(reports, "<c:free-busy-query/>")
	}
	var b strings.Builder
	for _, r := range reports {
		b.WriteString("<d:supported-report><d:report>" + r + "</d:report></d:supported-report>")
	}
	return b.String()
}

// objProps are an object's properties; calendar-data only when data is
// loaded (asked for by name).
func objProps(o *groups.CalObject, feature string) []prop {
	comp := "vevent"
	if feature == groups.FeatureTask {
		comp = "vtodo"
	}
	ps := []prop{
		dav("resourcetype", ""),
		etagProp(xml.Name{Space: nsDAV, Local: "getetag"}, o.ETag),
		dav("getcontenttype", "text/calendar; charset=utf-8; component="+comp),
		dav("getcontentlength", strconv.FormatInt(o.Size, 10)),
		dav("getlastmodified", o.Modified.UTC().Format(http.TimeFormat)),
	}
	if o.Data != "" {
		ps = append(ps, textProp(xml.Name{Space: nsCal, Local: "calendar-data"}, o.Data))
	}
	return ps
}

// objResponse answers q for one object, computing only the properties
// asked for by name (a multiget or sync of thousands stays cheap).
func objResponse(p string, o *groups.CalObject, feature string, q propReq) response {
	return objResponseWith(p, o, feature, q, textProp(calendarDataName, o.Data))
}

// objResponseWith is objResponse with the calendar-data property asked
// for by name given: the multiget answer cache's is escaped already.
func objResponseWith(p string, o *groups.CalObject, feature string, q propReq, data prop) response {
	if q.all || q.names {
		return selectProps(p, objProps(o, feature), q)
	}
	r := response{href: p, found: make([]prop, 0, len(q.props))}
	for _, n := range q.props {
		var v prop
		ok := true
		switch {
		case n.Space == nsDAV && n.Local == "getetag":
			v = etagProp(n, o.ETag)
		case n == calendarDataName && data.inner != "":
			v = data
		case n.Space == nsDAV && n.Local == "resourcetype":
			v = prop{name: n}
		default:
			ok = false
			for _, a := range objProps(o, feature) {
				if a.name == n {
					v, ok = a, true
					break
				}
			}
		}
		if ok {
			r.found = append(r.found, v)
		} else {
			r.missing = append(r.missing, n)
		}
	}
	return r
}

// propReq is what a PROPFIND (or REPORT) asks for.
type propReq struct {
	all, names bool
	props      []xml.Name
	data       dataReq // how calendar-data is asked for (REPORT only)
}

func (q propReq) wants(n xml.Name) bool {
	for _, p := range q.props {
		if p == n {
			return true
		}
	}
	return false
}

var calendarDataName = xml.Name{Space: nsCal, Local: "calendar-data"}

// selectProps answers q from the available properties.
func selectProps(p string, avail []prop, q propReq) response {
	r := response{href: p}
	switch {
	case q.names:
		for _, a := range avail {
			r.found = append(r.found, prop{name: a.name})
		}
	case q.all:
		r.found = avail
	default:
		for _, n := range q.props {
			found := false
			for _, a := range avail {
				if a.name == n {
					r.found = append(r.found, a)
					found = true
					break
				}
			}
			if !found {
				r.missing = append(r.missing, n)
			}
		}
	}
	return r
}
