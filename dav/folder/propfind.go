package folder

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"net/http"
	"net/url"
	"time"

	"groupd/groups"
)

// propfindReq is a PROPFIND body this package answers itself: allprop
// (or an empty body) or a list of property names (RFC 4918 §9.1,
// §14.20). Anything else (propname, include) goes to x/net/webdav.
type propfindReq struct {
	XMLName  xml.Name   `xml:"DAV: propfind"`
	Allprop  *struct{}  `xml:"DAV: allprop"`
	Propname *struct{}  `xml:"DAV: propname"`
	Include  *struct{}  `xml:"DAV: include"`
	Prop     *propNames `xml:"DAV: prop"`
}

type propNames []xml.Name

func (pn *propNames) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	for {
		t, err := d.Token()
		if err != nil {
			return err
		}
		switch t := t.(type) {
		case xml.StartElement:
			*pn = append(*pn, t.Name)
			if err := d.Skip(); err != nil {
				return err
			}
		case xml.EndElement:
			return nil
		}
	}
}

// parsePropfind reads body; ok is false when x/net/webdav should answer.
func parsePropfind(body []byte) (names []xml.Name, all, ok bool) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, true, true
	}
	var pf propfindReq
	if err := xml.Unmarshal(body, &pf); err != nil || pf.Propname != nil || pf.Include != nil {
		return nil, false, false
	}
	if pf.Allprop != nil && pf.Prop == nil {
		return nil, true, true
	}
	if pf.Allprop == nil && pf.Prop != nil && len(*pf.Prop) > 0 {
		return *pf.Prop, false, true
	}
	return nil, false, false
}

// row is one resource of a PROPFIND answer.
type row struct {
	href  string
	name  string
	gid   string
	fi    *groups.FileInfo
	f     *groups.Folder // nil for "/"
	props []groups.Prop
}

// servePropfind answers a PROPFIND of Depth 0 or 1 (checked before) by
// writing the multistatus directly: a folder of 10,000 files takes one
// query for the entries and one for their dead properties.
func (h *handler) servePropfind(w http.ResponseWriter, rq *request, name string, names []xml.Name, all bool, depth1 bool) {
	rows, err := h.propfindRows(rq, name, depth1)
	if err != nil {
		failErr(w, err)
		return
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.WriteHeader(207)
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<D:multistatus xmlns:D="DAV:">`)
	now := time.Now()
	var ok, missing bytes.Buffer
	for i := range rows {
		ok.Reset()
		missing.Reset()
		if err := h.writeRow(bw, rq, &rows[i], names, all, now, &ok, &missing); err != nil {
			h.log.Error("propfind", "err", err)
			return
		}
	}
	bw.WriteString("</D:multistatus>\n")
	bw.Flush()
}

func (h *handler) propfindRows(rq *request, name string, depth1 bool) ([]row, error) {
	gid, p := split(name)
	if gid == "" {
		rows := []row{{href: h.opts.Prefix + "/", fi: h.rootInfo().(*info).fi}}
		if !depth1 {
			return rows, nil
		}
		gs, err := h.opts.Store.FolderGroups(rq.ctx, rq.actor)
		if err != nil {
			return nil, err
		}
		for _, g := range gs {
			f, err := rq.folder(g.ID)
			if err != nil {
				continue
			}
			fi, err := f.Stat(rq.ctx, "")
			if err != nil {
				return nil, err
			}
			props, err := f.Props(rq.ctx, "")
			if err != nil {
				return nil, err
			}
			rows = append(rows, h.newRow(g.ID, f, fi, props))
		}
		return rows, nil
	}
	f, err := rq.folder(gid)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat(rq.ctx, p)
	if err != nil {
		return nil, err
	}
	props, err := f.Props(rq.ctx, p)
	if err != nil {
		return nil, err
	}
	rows := []row{h.newRow(gid, f, fi, props)}
	if !depth1 || !fi.IsDir {
		return rows, nil
	}
	list, err := f.List(rq.ctx, p)
	if err != nil {
		return nil, err
	}
	cp, err := f.ChildProps(rq.ctx, p)
	if err != nil {
		return nil, err
	}
	for _, c := range list {
		rows = append(rows, h.newRow(gid, f, c, cp[c.Path]))
	}
	return rows, nil
}

func (h *handler) newRow(gid string, f *groups.Folder, fi *groups.FileInfo, props []groups.Prop) row {
	p := h.opts.Prefix + "/" + gid
	if fi.Path != "" {
		p += "/" + fi.Path
	}
	if fi.IsDir {
		p += "/"
	}
	return row{href: (&url.URL{Path: p}).EscapedPath(), name: baseName(gid, fi.Path), gid: gid, fi: fi, f: f, props: props}
}
