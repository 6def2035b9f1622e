package calendar

import (
	"bytes"
	"context"
	"encoding/xml"
	"net/http"

	"groupd/groups"
)

// propfindBody is DAV:propfind (RFC 4918 §14.20).
type propfindBody struct {
	XMLName  xml.Name  `xml:"DAV: propfind"`
	AllProp  *struct{} `xml:"DAV: allprop"`
	PropName *struct{} `xml:"DAV: propname"`
	Prop     *anyElems `xml:"DAV: prop"`
}

func parsePropfind(body []byte) (propReq, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return propReq{all: true}, nil // RFC 4918 §9.1: an empty body is allprop
	}
	var pf propfindBody
	if err := xml.Unmarshal(body, &pf); err != nil {
		return propReq{}, err
	}
	switch {
	case pf.PropName != nil:
		return propReq{names: true}, nil
	case pf.Prop != nil:
		return propReq{props: pf.Prop.names()}, nil
	}
	return propReq{all: true}, nil
}

// propfind answers PROPFIND (RFC 4918 §9.1) on every level of the tree.
// Depth infinity is served as depth 1.
func (h *handler) propfind(w http.ResponseWriter, r *http.Request, st *reqState, t target) {
	body, ok := h.requestBody(w, r)
	if !ok {
		return
	}
	q, err := parsePropfind(body)
	if err != nil {
		writeError(w, http.StatusBadRequest, "", "the PROPFIND body is not a DAV:propfind document")
		return
	}
	deep := r.Header.Get("Depth") != "0"
	resps, err := h.propfindTarget(r.Context(), st, t, q, deep)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.multistatus(w, resps, "")
}

func (h *handler) propfindTarget(ctx context.Context, st *reqState, t target, q propReq, deep bool) ([]response, error) {
	email := st.user.Email
	switch t.kind {
	case kRoot:
		resps := []response{selectProps(h.prefix+"/", h.rootProps(st), q)}
		if deep {
			resps = append(resps, selectProps(h.prefix+"/principals/", h.principalsProps(st), q),
				selectProps(h.homePath(), h.homeProps(st), q))
		}
		return resps, nil
	case kPrincipals:
		resps := []response{selectProps(h.prefix+"/principals/", h.principalsProps(st), q)}
		if deep {
			resps = append(resps, selectProps(h.principalPath(email), h.principalProps(st), q))
		}
		return resps, nil
	case kPrincipal:
		if t.email != email {
			return nil, &groups.Error{Kind: groups.ErrNotFound, Msg: "no such principal"}
		}
		return []response{selectProps(h.principalPath(email), h.principalProps(st), q)}, nil
	case kHome:
		return h.propfindHome(ctx, st, q, deep)
	case kGroup:
		return h.propfindGroup(ctx, st, t, q, deep)
	case kCollection:
		return h.propfindCollection(ctx, st, t, q, deep)
	}
	return h.propfindObject(ctx, st, t, q)
}

func (h *handler) propfindHome(ctx context.Context, st *reqState, q propReq, deep bool) ([]response, error) {
	resps := []response{selectProps(h.homePath(), h.homeProps(st), q)}
	if !deep {
		return resps, nil
	}
	colls, err := h.store.CalCollections(ctx, st.actor)
	if err != nil {
		return nil, err
	}
	// The collections are listed as members of the home, as clients
	// (DAVx5, Apple, Thunderbird, python-caldav) look for them there.
	for _, cc := range colls {
		c, err := st.calendar(ctx, cc.GroupID, cc.Feature)
		if err != nil {
			continue // removed meanwhile
		}
		ps, err := h.collProps(ctx, st, c, cc.Token)
		if err != nil {
			return nil, err
		}
		resps = append(resps, selectProps(h.collPath(cc.GroupID, cc.Feature), ps, q))
	}
	return resps, nil
}

func (h *handler) propfindGroup(ctx context.Context, st *reqState, t target, q propReq, deep bool) ([]response, error) {
	var resps []response
	var name string
	for _, f := range groups.CalFeatures() {
		c, err := st.calendar(ctx, t.group, f)
		if err != nil {
			continue
		}
		name = c.Name
		if deep {
			token, err := c.Token(ctx)
			if err != nil {
				return nil, err
			}
			ps, err := h.collProps(ctx, st, c, token)
			if err != nil {
				return nil, err
			}
			resps = append(resps, selectProps(h.collPath(t.group, f), ps, q))
		}
	}
	if name == "" {
		return nil, &groups.Error{Kind: groups.ErrNotFound, Msg: "no such calendar"}
	}
	return append([]response{selectProps(h.groupPath(t.group), h.groupProps(st, name), q)}, resps...), nil
}

func (h *handler) propfindCollection(ctx context.Context, st *reqState, t target, q propReq, deep bool) ([]response, error) {
	c, err := st.calendar(ctx, t.group, t.feature)
	if err != nil {
		return nil, err
	}
	token, err := c.Token(ctx)
	if err != nil {
		return nil, err
	}
	ps, err := h.collProps(ctx, st, c, token)
	if err != nil {
		return nil, err
	}
	resps := []response{selectProps(h.collPath(t.group, t.feature), ps, q)}
	if !deep {
		return resps, nil
	}
	var objs []*groups.CalObject
	if q.wants(calendarDataName) {
		objs, err = c.Candidates(ctx, minInt, maxInt)
	} else {
		objs, err = c.List(ctx)
	}
	if err != nil {
		return nil, err
	}
	for _, o := range objs {
		resps = append(resps, objResponse(h.objPath(t.group, t.feature, o.Name), o, t.feature, q))
	}
	return resps, nil
}

func (h *handler) propfindObject(ctx context.Context, st *reqState, t target, q propReq) ([]response, error) {
	c, err := st.calendar(ctx, t.group, t.feature)
	if err != nil {
		return nil, err
	}
	o, err := c.Get(ctx, t.name)
	if err != nil {
		return nil, err
	}
	if !q.wants(calendarDataName) {
		o.Data = ""
	}
	return []response{objResponse(h.objPath(t.group, t.feature, o.Name), o, t.feature, q)}, nil
}
