package calendar

import (
	"bytes"
	"encoding/xml"
	"io"
	"net/http"
	"strconv"
	"strings"

	"groupd/groups"
)

// XML namespaces and the prefixes our answers use.
const (
	nsDAV   = "DAV:"
	nsCal   = "urn:ietf:params:xml:ns:caldav"
	nsCS    = "http://calendarserver.org/ns/"
	nsApple = "http://apple.com/ns/ical/"
)

var prefixes = map[string]string{nsDAV: "d", nsCal: "c", nsCS: "cs", nsApple: "a"}

// escaper escapes character data and attribute values; CR is kept as a
// reference so that iCalendar's CRLF survives XML's line-end handling.
var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "\r", "&#13;")

// etagEscaper escapes an entity-tag as character data. Its quotes stay
// plain: '"' is legal in XML text (XML 1.0 §2.4), and a client that does
// not decode entities (npm webdav) then sends back in If-Match the ETag
// it got (RFC 4918 §15.6, RFC 9110 §8.8.3).
var etagEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// etagProp is DAV:getetag with the entity-tag etag, quotes unescaped.
func etagProp(n xml.Name, etag string) prop {
	return prop{name: n, inner: etagEscaper.Replace(groups.XMLSafe(etag))}
}

// escape escapes s for XML; a character XML 1.0 cannot carry (U+FFFE, a
// C0 control, invalid UTF-8) becomes U+FFFD, a second guard behind the
// store's CheckXMLText (issue 16 item 4).
func escape(s string) string { return escaper.Replace(groups.XMLSafe(s)) }

// prop is a property with its value as inner XML (already escaped; it may
// use the d:, c:, cs: and a: prefixes), or, when text is set, as text
// that is escaped as it is written (calendar-data: no escaped copy).
type prop struct {
	name  xml.Name
	inner string
	text  bool
}

func dav(local, inner string) prop {
	return prop{name: xml.Name{Space: nsDAV, Local: local}, inner: inner}
}
func cal(local, inner string) prop {
	return prop{name: xml.Name{Space: nsCal, Local: local}, inner: inner}
}
func href(p string) string               { return "<d:href>" + escape(hrefOf(p)) + "</d:href>" }
func textProp(n xml.Name, s string) prop { return prop{name: n, inner: s, text: true} }

// response is one DAV:response of a multistatus (RFC 4918 §14.24).
type response struct {
	href    string // unescaped path
	status  int    // non-zero: a response without properties (e.g. 404)
	found   []prop
	missing []xml.Name
	// PROPPATCH failures: refused (403) and not done because of them (424).
	forbidden, failed []xml.Name
	// errCond and description, when set, follow as DAV:error (naming the
	// precondition) and DAV:responsedescription (RFC 4918 §14.24).
	errCond, description string
}

// maxPooledBuffer bounds the answer buffers kept for reuse.
const maxPooledBuffer = 1 << 20

// multistatus writes a 207 answer; token, when set, is the DAV:sync-token
// of a sync-collection report (RFC 6578 §6.4). The answer is built in a
// buffer reused from h.bufs (a multiget of 200 is 60 KB that would be
// allocated, cleared and collected each time) and sent with one Write.
func (h *handler) multistatus(w http.ResponseWriter, resps []response, token string) {
	b := h.bufs.Get().(*bytes.Buffer)
	b.Reset()
	writeMultistatus(b, resps, token)
	w.Header().Set("Content-Type", `application/xml; charset="utf-8"`)
	w.Header().Set("Content-Length", strconv.Itoa(b.Len()))
	w.WriteHeader(http.StatusMultiStatus)
	w.Write(b.Bytes())
	if b.Cap() <= maxPooledBuffer {
		h.bufs.Put(b)
	}
}

// writeMultistatus writes the multistatus document of resps to b.
func writeMultistatus(b *bytes.Buffer, resps []response, token string) {
	size := 512
	for _, r := range resps {
		size += 256 + len(r.href)
		for _, p := range r.found {
			size += 2*len(p.name.Local) + len(p.inner) + len(p.inner)/16 + 8
		}
	}
	b.Grow(size)
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<d:multistatus xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav" xmlns:cs="http://calendarserver.org/ns/" xmlns:a="http://apple.com/ns/ical/">`)
	for _, r := range resps {
		b.WriteString("<d:response><d:href>")
		b.WriteString(escape(hrefOf(r.href)))
		b.WriteString("</d:href>")
		if r.status != 0 {
			b.WriteString(statusLine(r.status))
		}
		if len(r.found) > 0 {
			b.WriteString("<d:propstat><d:prop>")
			for _, p := range r.found {
				writeProp(b, p)
			}
			b.WriteString("</d:prop>" + statusOK + "</d:propstat>")
		}
		writeNames(b, r.missing, http.StatusNotFound)
		writeNames(b, r.forbidden, http.StatusForbidden)
		writeNames(b, r.failed, http.StatusFailedDependency)
		writeErrorParts(b, r.errCond, r.description)
		b.WriteString("</d:response>")
	}
	if token != "" {
		b.WriteString("<d:sync-token>" + escape(token) + "</d:sync-token>")
	}
	b.WriteString("</d:multistatus>\n")
}

// writeNames writes a propstat of the names (a request's) with code.
// encoding/xml reads a name such as ":" or "a:b:c" as a local name with
// colons, which no namespace-well-formed answer can carry: such names
// are left out.
func writeNames(b *bytes.Buffer, names []xml.Name, code int) {
	open := false
	for _, n := range names {
		if n.Local == "" || strings.Contains(n.Local, ":") {
			continue
		}
		if !open {
			b.WriteString("<d:propstat><d:prop>")
			open = true
		}
		writeProp(b, prop{name: n})
	}
	if open {
		b.WriteString("</d:prop>" + statusLine(code) + "</d:propstat>")
	}
}

// writeErrorParts writes a response's DAV:error and
// DAV:responsedescription, if any.
func writeErrorParts(b *bytes.Buffer, cond, desc string) {
	if cond != "" {
		prefix, local, _ := strings.Cut(cond, ":")
		b.WriteString("<d:error><" + strings.ToLower(prefix) + ":" + local + "/></d:error>")
	}
	if desc != "" {
		b.WriteString("<d:responsedescription>" + escape(desc) + "</d:responsedescription>")
	}
}

const statusOK = "<d:status>HTTP/1.1 200 OK</d:status>"

func statusLine(code int) string {
	if code == http.StatusOK {
		return statusOK
	}
	return "<d:status>HTTP/1.1 " + strconv.Itoa(code) + " " + http.StatusText(code) + "</d:status>"
}

// writeProp writes one property element; the value, already escaped, is
// written as it is, without copies.
func writeProp(b *bytes.Buffer, p prop) {
	pre, ok := prefixes[p.name.Space]
	b.WriteByte('<')
	switch {
	case ok:
		b.WriteString(pre)
		b.WriteByte(':')
		b.WriteString(p.name.Local)
	case p.name.Space == "":
		// No namespace: xmlns="" undeclares the default one; a prefix
		// cannot be bound to "" (Namespaces in XML 1.0 §3).
		b.WriteString(p.name.Local + ` xmlns=""`)
	default:
		pre = "x"
		b.WriteString("x:" + p.name.Local + ` xmlns:x="` + escape(p.name.Space) + `"`)
	}
	if p.inner == "" {
		b.WriteString("/>")
		return
	}
	b.WriteByte('>')
	if p.text {
		escaper.WriteString(b, groups.XMLSafe(p.inner))
	} else {
		b.WriteString(p.inner)
	}
	b.WriteString("</")
	if pre != "" {
		b.WriteString(pre)
		b.WriteByte(':')
	}
	b.WriteString(p.name.Local)
	b.WriteByte('>')
}

// anyElems collects the child elements of an element, e.g. DAV:prop.
type anyElems struct {
	Elems []anyElem `xml:",any"`
}

type anyElem struct {
	XMLName xml.Name
	Inner   string `xml:",innerxml"`
	Text    string `xml:",chardata"`
	// Of CALDAV:calendar-data in a REPORT (RFC 4791 §9.6.5, §9.6.6).
	Expand *xTimeRange `xml:"urn:ietf:params:xml:ns:caldav expand"`
	Limit  *xTimeRange `xml:"urn:ietf:params:xml:ns:caldav limit-recurrence-set"`
}

func (a *anyElems) names() []xml.Name {
	var out []xml.Name
	if a == nil {
		return nil
	}
	for _, e := range a.Elems {
		out = append(out, e.XMLName)
	}
	return out
}

// readBody reads an XML request body of at most max bytes; over is
// reported so that the caller answers 413.
// requestBody reads an XML request body within Options.MaxRequestBytes;
// when it cannot, it has answered (413 or 400) and ok is false.
func (h *handler) requestBody(w http.ResponseWriter, r *http.Request) (body []byte, ok bool) {
	body, over, err := readBody(r, h.opts.MaxRequestBytes)
	if over {
		writeError(w, http.StatusRequestEntityTooLarge, "", "the request body is too large")
		return nil, false
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, "", "could not read the request body")
		return nil, false
	}
	return body, true
}

func readBody(r *http.Request, max int64) (body []byte, over bool, err error) {
	if r.ContentLength > max {
		return nil, true, nil
	}
	if n := r.ContentLength; n > 0 {
		// Read into a buffer of the announced size, not with ReadAll's
		// doublings from 512 bytes (a multiget of 200 hrefs is 12 KB);
		// net/http ends the body there.
		body = make([]byte, n)
		if _, err := io.ReadFull(r.Body, body); err != nil {
			return nil, false, err
		}
		return body, false, nil
	}
	body, err = io.ReadAll(io.LimitReader(r.Body, max+1))
	if err != nil {
		return nil, false, err
	}
	return body, int64(len(body)) > max, nil
}

// rootName is the name of the document element of body.
func rootName(body []byte) (xml.Name, error) {
	d := xml.NewDecoder(bytes.NewReader(body))
	for {
		tok, err := d.Token()
		if err != nil {
			return xml.Name{}, err
		}
		if se, ok := tok.(xml.StartElement); ok {
			return se.Name, nil
		}
	}
}
