package folder

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"groupd/groups"
)

// lockInfo is the body of a LOCK that creates a lock (RFC 4918 §14.11).
type lockInfo struct {
	XMLName   xml.Name  `xml:"lockinfo"`
	Exclusive *struct{} `xml:"lockscope>exclusive"`
	Shared    *struct{} `xml:"lockscope>shared"`
	Write     *struct{} `xml:"locktype>write"`
	Owner     *struct {
		Inner string `xml:",innerxml"`
	} `xml:"owner"`
}

// parseTimeout reads a Timeout header (RFC 4918 §10.7): the first value
// we understand, at most max; Infinite and no header give max.
func parseTimeout(h string, maxT time.Duration) time.Duration {
	for _, v := range strings.Split(h, ",") {
		v = strings.TrimSpace(v)
		if s, ok := strings.CutPrefix(v, "Second-"); ok {
			if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 {
				return min(time.Duration(min(n, 1<<32))*time.Second, maxT)
			}
		}
	}
	return maxT
}

var ifToken = regexp.MustCompile(`\(\s*(?:Not\s+)?<([^>]*)>`)

// serveLock creates a lock, or refreshes one when the body is empty
// (RFC 4918 §9.10).
func (h *handler) serveLock(w http.ResponseWriter, r *http.Request, rq *request, name string) {
	gid, p := split(name)
	if gid == "" {
		fail(w, http.StatusForbidden, "the list of groups cannot be locked")
		return
	}
	f, err := rq.folder(gid)
	if err != nil {
		failErr(w, err)
		return
	}
	timeout := parseTimeout(r.Header.Get("Timeout"), h.opts.MaxLockTimeout)
	body, err := io.ReadAll(io.LimitReader(r.Body, 64<<10+1))
	if err != nil || len(body) > 64<<10 {
		fail(w, http.StatusBadRequest, "the LOCK body is too large or unreadable")
		return
	}
	if len(bytes.TrimSpace(body)) == 0 {
		h.refreshLock(w, r, rq, f, name, timeout)
		return
	}
	var li lockInfo
	if err := xml.Unmarshal(body, &li); err != nil || li.Write == nil || (li.Exclusive == nil) == (li.Shared == nil) {
		fail(w, http.StatusBadRequest, "the LOCK body is not a lockinfo for a write lock")
		return
	}
	depth := r.Header.Get("Depth")
	if depth != "" && depth != "0" && depth != "infinity" {
		fail(w, http.StatusBadRequest, "Depth must be 0 or infinity for LOCK")
		return
	}
	l := groups.Lock{Path: p, Shared: li.Shared != nil, Infinite: depth != "0", Timeout: timeout}
	if li.Owner != nil {
		l.OwnerXML = strings.TrimSpace(li.Owner.Inner)
	}
	rq.changed()
	lk, created, err := f.CreateLock(rq.ctx, l)
	if errors.Is(err, groups.ErrConflict) {
		fail(w, http.StatusLocked, "the resource is locked")
		return
	}
	if errors.Is(err, groups.ErrNotFound) {
		fail(w, http.StatusConflict, "the parent folder does not exist")
		return
	}
	if err != nil {
		failErr(w, err)
		return
	}
	w.Header().Set("Lock-Token", "<"+lk.Token+">")
	code := http.StatusOK
	if created {
		code = http.StatusCreated
	}
	h.writeLock(w, code, gid, lk)
}

// refreshLock restarts a lock's timeout; the If: header names it.
func (h *handler) refreshLock(w http.ResponseWriter, r *http.Request, rq *request, f *groups.Folder, name string, timeout time.Duration) {
	m := ifToken.FindStringSubmatch(r.Header.Get("If"))
	if m == nil {
		fail(w, http.StatusBadRequest, "a lock refresh needs the lock token in an If header")
		return
	}
	gid, p := split(name)
	lk, err := f.RefreshLock(rq.ctx, m[1], timeout)
	if err == nil && !lk.Covers(p) {
		err = groups.ErrNotFound
	}
	if errors.Is(err, groups.ErrNotFound) {
		fail(w, http.StatusPreconditionFailed, "no such lock on this resource")
		return
	}
	if err != nil {
		failErr(w, err)
		return
	}
	h.writeLock(w, http.StatusOK, gid, lk)
}

func (h *handler) writeLock(w http.ResponseWriter, code int, gid string, lk *groups.Lock) {
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.WriteHeader(code)
	fmt.Fprintf(w, `<?xml version="1.0" encoding="utf-8"?>`+"\n"+
		`<D:prop xmlns:D="DAV:"><D:lockdiscovery>%s</D:lockdiscovery></D:prop>`+"\n",
		h.activeLock(gid, lk, time.Now()))
}

// activeLock is the activelock element of a lock (RFC 4918 §14.1).
func (h *handler) activeLock(gid string, lk *groups.Lock, now time.Time) string {
	scope, depth := "exclusive", "0"
	if lk.Shared {
		scope = "shared"
	}
	if lk.Infinite {
		depth = "infinity"
	}
	owner := ""
	if lk.OwnerXML != "" {
		owner = "<D:owner>" + lk.OwnerXML + "</D:owner>"
	}
	left := max(int64(math.Round(lk.Expires.Sub(now).Seconds())), 0)
	root := (&url.URL{Path: h.opts.Prefix + "/" + gid + "/" + lk.Path}).EscapedPath()
	return `<D:activelock xmlns:D="DAV:"><D:locktype><D:write/></D:locktype>` +
		`<D:lockscope><D:` + scope + `/></D:lockscope><D:depth>` + depth + `</D:depth>` + owner +
		`<D:timeout>Second-` + strconv.FormatInt(left, 10) + `</D:timeout>` +
		`<D:locktoken><D:href>` + xmlText(lk.Token) + `</D:href></D:locktoken>` +
		`<D:lockroot><D:href>` + xmlText(root) + `</D:href></D:lockroot></D:activelock>`
}

// lockDiscovery is the inner XML of lockdiscovery for path p of a group.
func (rq *request) lockDiscovery(gid, p string) (string, error) {
	all, err := rq.groupLocks(gid)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	now := time.Now()
	for i := range all {
		if all[i].Covers(p) {
			b.WriteString(rq.h.activeLock(gid, &all[i], now))
		}
	}
	return b.String(), nil
}

// lockTokenProblem says what is wrong with an UNLOCK's Lock-Token header
// t (RFC 4918 §9.11: required; §10.5: a Coded-URL), "" when nothing is.
func lockTokenProblem(t string) string {
	switch {
	case t == "":
		return "UNLOCK needs a Lock-Token header (RFC 4918 §9.11)"
	case len(t) < 3 || t[0] != '<' || t[len(t)-1] != '>':
		return "the Lock-Token header must be a Coded-URL in angle brackets, such as <urn:uuid:…> (RFC 4918 §10.5)"
	}
	return ""
}

// serveUnlock removes a lock (RFC 4918 §9.11).
func (h *handler) serveUnlock(w http.ResponseWriter, r *http.Request, rq *request, name string) {
	t := strings.TrimSpace(r.Header.Get("Lock-Token"))
	if msg := lockTokenProblem(t); msg != "" {
		fail(w, http.StatusBadRequest, msg)
		return
	}
	gid, p := split(name)
	f, err := rq.folder(gid)
	if err != nil {
		failErr(w, err)
		return
	}
	switch err := f.Unlock(rq.ctx, t[1:len(t)-1], p); {
	case err == nil:
		w.WriteHeader(http.StatusNoContent)
	case errors.Is(err, groups.ErrNotFound), errors.Is(err, groups.ErrConflict):
		fail(w, http.StatusConflict, "no such lock on this resource") // §9.11.1: lock-token-matches-request-uri
	default:
		failErr(w, err)
	}
}

// etagEscaper escapes an entity-tag as character data. Its quotes stay
// plain: '"' is legal in XML text (XML 1.0 §2.4), and a client that does
// not decode numeric references (npm webdav) then sends back in If-Match
// the ETag it got (RFC 4918 §15.6, RFC 9110 §8.8.3).
var etagEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// etagText is the DAV:getetag value of etag, quotes unescaped.
func etagText(etag string) string { return etagEscaper.Replace(groups.XMLSafe(etag)) }

// xmlText escapes s for XML character data. A character XML 1.0 cannot
// carry (U+FFFE, a C0 control, invalid UTF-8) becomes U+FFFD: a second
// guard behind the store's CheckXMLText (issue 16 item 4).
func xmlText(s string) string {
	s = groups.XMLSafe(s)
	if !strings.ContainsAny(s, "<>&'\"\r\n\t") {
		return s
	}
	var b bytes.Buffer
	xml.EscapeText(&b, []byte(s))
	return b.String()
}
