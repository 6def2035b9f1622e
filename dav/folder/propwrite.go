package folder

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"net/http"
	"strconv"
	"time"

	"groupd/groups"
)

// allNames are the live properties of allprop (RFC 4918 §9.1: the DAV:
// properties of §15; not the RFC 4331 quota ones).
var allNames = []string{"resourcetype", "displayname", "getcontentlength", "getcontenttype",
	"getlastmodified", "creationdate", "getetag", "lockdiscovery", "supportedlock"}

var allDAV = func() []xml.Name {
	var out []xml.Name
	for _, n := range allNames {
		out = append(out, davName(n))
	}
	return out
}()

// live gives the value (inner XML) of a live property, ok false when the
// resource has no such property.
func (h *handler) live(rq *request, r *row, local string, now time.Time) (string, bool, error) {
	fi := r.fi
	switch local {
	case "resourcetype":
		if fi.IsDir {
			return "<D:collection/>", true, nil
		}
		return "", true, nil
	case "displayname":
		return xmlText(r.name), true, nil
	case "getcontentlength":
		return strconv.FormatInt(fi.Size, 10), !fi.IsDir, nil
	case "getcontenttype":
		return contentType(r.name), !fi.IsDir, nil
	case "getlastmodified":
		return fi.Modified.UTC().Format(http.TimeFormat), true, nil
	case "creationdate":
		return fi.Created.UTC().Format(time.RFC3339), true, nil
	case "getetag":
		return etagText(fi.ETag), true, nil
	case "supportedlock":
		return supportedLock, true, nil
	case "lockdiscovery":
		if r.f == nil {
			return "", true, nil
		}
		ld, err := rq.lockDiscovery(r.gid, fi.Path)
		return ld, true, err
	case "quota-used-bytes", "quota-available-bytes":
		if r.f == nil || !fi.IsDir {
			return "", false, nil
		}
		used, quota, err := r.f.Usage(rq.ctx)
		if local == "quota-used-bytes" {
			return strconv.FormatInt(used, 10), true, err
		}
		return strconv.FormatInt(max(quota-used, 0), 10), true, err
	}
	return "", false, nil
}

func (h *handler) writeRow(w *bufio.Writer, rq *request, r *row, names []xml.Name, all bool, now time.Time, ok, missing *bytes.Buffer) error {
	if all {
		names = allDAV
		if len(r.props) > 0 {
			names = append([]xml.Name(nil), allDAV...)
			for _, p := range r.props {
				names = append(names, xml.Name{Space: p.Space, Local: p.Local})
			}
		}
	}
	for _, n := range names {
		if n.Space == "DAV:" {
			if v, found, err := h.live(rq, r, n.Local, now); err != nil {
				return err
			} else if found {
				ok.WriteString("<D:")
				ok.WriteString(n.Local)
				ok.WriteByte('>')
				ok.WriteString(v)
				ok.WriteString("</D:")
				ok.WriteString(n.Local)
				ok.WriteByte('>')
				continue
			}
		}
		if p := findProp(r.props, n); p != nil {
			writeDead(ok, p)
			continue
		}
		if !all { // allprop lists what the resource has, nothing else
			writeEmpty(missing, n)
		}
	}
	w.WriteString("<D:response><D:href>" + xmlText(r.href) + "</D:href>")
	if ok.Len() > 0 {
		w.WriteString("<D:propstat><D:prop>")
		w.Write(ok.Bytes())
		w.WriteString("</D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat>")
	}
	if missing.Len() > 0 {
		w.WriteString("<D:propstat><D:prop>")
		w.Write(missing.Bytes())
		w.WriteString("</D:prop><D:status>HTTP/1.1 404 Not Found</D:status></D:propstat>")
	}
	_, err := w.WriteString("</D:response>\n")
	return err
}

func findProp(props []groups.Prop, n xml.Name) *groups.Prop {
	for i := range props {
		if props[i].Space == n.Space && props[i].Local == n.Local {
			return &props[i]
		}
	}
	return nil
}

// writeDead writes a dead property as x/net/webdav stored it: its value
// redeclares every namespace it uses.
func writeDead(b *bytes.Buffer, p *groups.Prop) {
	if p.Space == "DAV:" {
		b.WriteString("<D:" + p.Local)
	} else {
		b.WriteString("<" + p.Local + ` xmlns="` + xmlText(p.Space) + `"`)
	}
	if p.Lang != "" {
		b.WriteString(` xml:lang="` + xmlText(p.Lang) + `"`)
	}
	b.WriteString(">" + p.Inner)
	if p.Space == "DAV:" {
		b.WriteString("</D:" + p.Local + ">")
	} else {
		b.WriteString("</" + p.Local + ">")
	}
}

func writeEmpty(b *bytes.Buffer, n xml.Name) {
	if n.Space == "DAV:" {
		b.WriteString("<D:" + n.Local + "/>")
		return
	}
	b.WriteString("<" + n.Local + ` xmlns="` + xmlText(n.Space) + `"/>`)
}
