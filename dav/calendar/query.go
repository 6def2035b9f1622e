package calendar

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/emersion/go-webdav"
	gocaldav "github.com/emersion/go-webdav/caldav"

	"groupd/groups"
	"groupd/internal/recur"
)

// QueryCalendarObjects is calendar-query for go-webdav's handler. Our
// REPORT answers calendar-query itself (report.go) from the stored bytes;
// this serves the same matching to anything that goes through go-webdav.
func (b *backend) QueryCalendarObjects(ctx context.Context, p string, query *gocaldav.CalendarQuery) ([]gocaldav.CalendarObject, error) {
	st, c, t, err := b.open(ctx, p, kCollection)
	if err != nil {
		return nil, err
	}
	f := st.filter
	if f == nil && query != nil {
		cf := fromGoWebDAV(query.CompFilter)
		f = &cf
	}
	objs, cut, err := b.h.matching(ctx, st, c, f, recur.NewBudget(b.h.opts.QueryLimits))
	if err != nil {
		return nil, davError(err)
	}
	if cut != nil {
		return nil, webdav.NewHTTPError(http.StatusInsufficientStorage, cut)
	}
	out := make([]gocaldav.CalendarObject, 0, len(objs))
	for _, o := range objs {
		co, err := b.object(t, o)
		if err != nil {
			continue
		}
		out = append(out, *co)
	}
	return out, nil
}

// matching returns the objects of c that match f (RFC 4791 §9.7): the
// store narrows the candidates by their time span, then each candidate's
// instances are matched within the budget b. When b runs out, cut says
// which limit was reached: the objects not judged are left out, and so
// is any object whose own limit was reached.
func (h *handler) matching(ctx context.Context, st *reqState, c *groups.Calendar, f *compFilter, b *recur.Budget) (
	out []*groups.CalObject, cut *recur.LimitError, err error) {
	from, to := int64(minInt), int64(maxInt)
	if f != nil {
		if w := narrowest(*f); w != nil {
			if !w.Start.IsZero() {
				from = w.Start.Unix()
			}
			if !w.End.IsZero() {
				to = w.End.Unix()
			}
		}
	}
	cands, err := c.Candidates(ctx, from, to)
	if err != nil || f == nil {
		return cands, nil, err
	}
	out = cands[:0]
	for _, o := range cands {
		if b.Exhausted() {
			break
		}
		cal, err := h.cache.parse(o)
		if err != nil {
			h.log.Warn("stored object does not parse", "group", c.GroupID, "name", o.Name, "err", err)
			continue
		}
		ok, err := newObject(cal, st.zone, b).match(*f)
		if err != nil {
			h.log.Debug("filter", "name", o.Name, "err", err)
		}
		if ok {
			out = append(out, o)
		}
	}
	return out, b.Reason(), nil
}

// narrowest is the time-range that every match must meet: the one on
// the VCALENDAR's single VEVENT or VTODO comp-filter, if any.
func narrowest(f compFilter) *recur.Range {
	if f.Range != nil {
		return f.Range
	}
	if len(f.Comps) == 1 && !f.Comps[0].NotDefined {
		return f.Comps[0].Range
	}
	return nil
}

// fromGoWebDAV converts go-webdav's decoded filter (used only when ours
// is missing).
func fromGoWebDAV(cf gocaldav.CompFilter) compFilter {
	out := compFilter{Name: cf.Name, NotDefined: cf.IsNotDefined}
	if !cf.Start.IsZero() || !cf.End.IsZero() {
		out.Range = &recur.Range{Start: cf.Start, End: cf.End}
	}
	for _, pf := range cf.Props {
		p := propFilter{Name: pf.Name, NotDefined: pf.IsNotDefined}
		if pf.TextMatch != nil {
			p.Text = &textMatch{Text: pf.TextMatch.Text, Negate: pf.TextMatch.NegateCondition}
		}
		out.Props = append(out.Props, p)
	}
	for _, c := range cf.Comps {
		out.Comps = append(out.Comps, fromGoWebDAV(c))
	}
	return out
}

// The XML of CALDAV:filter (RFC 4791 §9.7) and CALDAV:timezone (§9.8).
type xQuery struct {
	AllProp  *struct{} `xml:"DAV: allprop"`
	PropName *struct{} `xml:"DAV: propname"`
	Prop     *anyElems `xml:"DAV: prop"`
	Filter   struct {
		Comp xCompFilter `xml:"urn:ietf:params:xml:ns:caldav comp-filter"`
	} `xml:"urn:ietf:params:xml:ns:caldav filter"`
	Timezone string `xml:"urn:ietf:params:xml:ns:caldav timezone"`
}

type xCompFilter struct {
	Name         string        `xml:"name,attr"`
	IsNotDefined *struct{}     `xml:"urn:ietf:params:xml:ns:caldav is-not-defined"`
	TimeRange    *xTimeRange   `xml:"urn:ietf:params:xml:ns:caldav time-range"`
	PropFilters  []xPropFilter `xml:"urn:ietf:params:xml:ns:caldav prop-filter"`
	CompFilters  []xCompFilter `xml:"urn:ietf:params:xml:ns:caldav comp-filter"`
}

type xPropFilter struct {
	Name         string         `xml:"name,attr"`
	IsNotDefined *struct{}      `xml:"urn:ietf:params:xml:ns:caldav is-not-defined"`
	TimeRange    *xTimeRange    `xml:"urn:ietf:params:xml:ns:caldav time-range"`
	TextMatch    *xTextMatch    `xml:"urn:ietf:params:xml:ns:caldav text-match"`
	ParamFilters []xParamFilter `xml:"urn:ietf:params:xml:ns:caldav param-filter"`
}

type xParamFilter struct {
	Name         string      `xml:"name,attr"`
	IsNotDefined *struct{}   `xml:"urn:ietf:params:xml:ns:caldav is-not-defined"`
	TextMatch    *xTextMatch `xml:"urn:ietf:params:xml:ns:caldav text-match"`
}

type xTextMatch struct {
	Text      string `xml:",chardata"`
	Collation string `xml:"collation,attr"`
	Negate    string `xml:"negate-condition,attr"`
}

type xTimeRange struct {
	Start string `xml:"start,attr"`
	End   string `xml:"end,attr"`
}

type badQuery string

func (e badQuery) Error() string { return string(e) }

func (x *xTimeRange) window() (*recur.Range, error) {
	if x == nil {
		return nil, nil
	}
	var w recur.Range
	var err error
	if w.Start, err = utcTime(x.Start); err != nil {
		return nil, err
	}
	if w.End, err = utcTime(x.End); err != nil {
		return nil, err
	}
	if w.Start.IsZero() && w.End.IsZero() {
		return nil, badQuery("a time-range needs a start or an end")
	}
	return &w, nil
}

func utcTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse("20060102T150405Z", s)
	if err != nil {
		if t, err = time.Parse("20060102T150405", s); err != nil {
			return time.Time{}, badQuery("a time-range start or end is not a UTC date-time: " + s)
		}
	}
	return t, nil
}

func (x *xTextMatch) match() (*textMatch, error) {
	if x == nil {
		return nil, nil
	}
	switch x.Collation {
	case "", "i;ascii-casemap", "i;octet", "i;unicode-casemap":
	default:
		return nil, badQuery("unsupported collation " + x.Collation)
	}
	return &textMatch{Text: x.Text, Collation: x.Collation, Negate: x.Negate == "yes"}, nil
}

func (x *xCompFilter) decode() (compFilter, error) {
	f := compFilter{Name: strings.ToUpper(x.Name), NotDefined: x.IsNotDefined != nil}
	var err error
	if f.Range, err = x.TimeRange.window(); err != nil {
		return f, err
	}
	for _, xp := range x.PropFilters {
		p := propFilter{Name: strings.ToUpper(xp.Name), NotDefined: xp.IsNotDefined != nil}
		if p.Range, err = xp.TimeRange.window(); err != nil {
			return f, err
		}
		if p.Text, err = xp.TextMatch.match(); err != nil {
			return f, err
		}
		for _, xpp := range xp.ParamFilters {
			pp := paramFilter{Name: strings.ToUpper(xpp.Name), NotDefined: xpp.IsNotDefined != nil}
			if pp.Text, err = xpp.TextMatch.match(); err != nil {
				return f, err
			}
			p.Params = append(p.Params, pp)
		}
		f.Props = append(f.Props, p)
	}
	for _, xc := range x.CompFilters {
		c, err := xc.decode()
		if err != nil {
			return f, err
		}
		f.Comps = append(f.Comps, c)
	}
	return f, nil
}

// queryZone is the zone of CALDAV:timezone (a VCALENDAR with one
// VTIMEZONE), for floating times; UTC without one.
func queryZone(tz string) *time.Location {
	if strings.TrimSpace(tz) == "" {
		return time.UTC
	}
	cal, err := decodeString(tz)
	if err != nil {
		return time.UTC
	}
	if l, ok := recur.NewZones(cal, time.UTC).First(); ok {
		return l
	}
	return time.UTC
}
