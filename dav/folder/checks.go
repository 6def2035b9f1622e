package folder

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"groupd/groups"
)

// checkPropfind refuses Depth: infinity (and no Depth, which means
// infinity) with the propfind-finite-depth precondition (RFC 4918 §9.1,
// §16), answers allprop and named properties itself (propfind.go), and
// leaves the rest to x/net/webdav, noting which properties the body names.
func (h *handler) checkPropfind(w http.ResponseWriter, r *http.Request, rq *request, name string) bool {
	d := r.Header.Get("Depth")
	if d != "0" && d != "1" {
		if d != "" && d != "infinity" {
			fail(w, http.StatusBadRequest, "Depth must be 0 or 1")
			return false
		}
		w.Header().Set("Content-Type", "application/xml; charset=utf-8")
		w.WriteHeader(http.StatusForbidden)
		io.WriteString(w, `<?xml version="1.0" encoding="utf-8"?>`+"\n"+
			`<D:error xmlns:D="DAV:"><D:propfind-finite-depth/></D:error>`+"\n")
		return false
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		fail(w, http.StatusRequestEntityTooLarge, "the PROPFIND body is too large")
		return false
	}
	if !namespacesOK(body) {
		fail(w, http.StatusBadRequest, "the PROPFIND body is not well-formed namespaced XML")
		return false
	}
	if names, all, ok := parsePropfind(body); ok {
		h.servePropfind(w, rq, name, names, all, d == "1")
		return false
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	named := !bytes.Contains(body, []byte("allprop")) && !bytes.Contains(body, []byte("propname"))
	rq.wantQuota = named && bytes.Contains(body, []byte("quota-"))
	rq.wantSupportedLock = named && bytes.Contains(body, []byte("supportedlock"))
	return true
}

// checkPut answers before the body is read: 507 when Content-Length (or
// Finder's X-Expected-Entity-Length) shows the upload cannot fit in the
// quota (RFC 4331 §6), 412 for a
// failed If-Match or If-None-Match (RFC 9110 §13.1), 405 at the top
// level, where groups are not files.
func (h *handler) checkPut(w http.ResponseWriter, r *http.Request, rq *request, name string) bool {
	gid, p := split(name)
	if gid == "" || p == "" {
		fail(w, http.StatusMethodNotAllowed, "files go inside a group's folder")
		return false
	}
	f, err := rq.folder(gid)
	if err != nil {
		failErr(w, err)
		return false
	}
	old, err := f.Stat(rq.ctx, p)
	exists := err == nil
	rq.replaces = exists
	if im := r.Header.Get("If-Match"); im != "" && (!exists || (im != "*" && !etagIn(old.ETag, im))) {
		fail(w, http.StatusPreconditionFailed, "the file changed (If-Match)")
		return false
	}
	if inm := r.Header.Get("If-None-Match"); inm != "" && exists && (inm == "*" || etagIn(old.ETag, inm)) {
		fail(w, http.StatusPreconditionFailed, "the file exists (If-None-Match)")
		return false
	}
	size := r.ContentLength
	if xl, err := strconv.ParseInt(r.Header.Get("X-Expected-Entity-Length"), 10, 64); err == nil && size < 0 {
		size = xl // macOS Finder sends its PUTs chunked with this header
	}
	if size > 0 {
		used, quota, err := f.Usage(rq.ctx)
		if err != nil {
			failErr(w, err)
			return false
		}
		if exists {
			used -= old.Size
		} else {
			used += groups.FolderEntryBytes // a new entry counts too
		}
		if used+size > quota {
			w.Header().Set("Connection", "close") // the body is not read
			fail(w, 507, "the group's folder is full: "+strconv.FormatInt(max(quota-used, 0), 10)+" bytes left")
			return false
		}
	}
	// io.Copy must reach writeFile.ReadFrom, which sees the body's end.
	r.Body = struct{ io.ReadCloser }{r.Body}
	return true
}

// checkCopyMove confines COPY and MOVE (RFC 4918 §9.8, §9.9) to the
// user's group folders before x/net/webdav sees them: a source the user
// cannot see is missing (404); a Destination outside the group folders
// (403), in a group that does not exist or is not the user's (409, as for
// a missing parent collection, §9.8.5, and the same for both), or at the
// top level, where groups are not files (403), is refused.
func (h *handler) checkCopyMove(w http.ResponseWriter, r *http.Request, rq *request, name string) bool {
	if _, err := rq.folder(first(name)); err != nil {
		failErr(w, err)
		return false
	}
	dest, err := cleanDestination(r, h.opts.Prefix)
	if err != nil {
		var ep *errPath
		errors.As(err, &ep)
		fail(w, ep.code, ep.msg)
		return false
	}
	if !checkNewName(w, dest) {
		return false
	}
	dg, dp := split(dest)
	if _, err := rq.folder(dg); dg != "" && err != nil {
		if status(err) != http.StatusNotFound {
			failErr(w, err)
			return false
		}
		fail(w, http.StatusConflict, "the destination is not in the folder of one of your groups")
		return false
	}
	if dp == "" {
		fail(w, http.StatusForbidden, "the destination must be inside a group's folder")
		return false
	}
	rq.dest = dest
	if nested(name, dest) || nested(dest, name) {
		// §9.8.5, §9.9.4: 403 when source and destination are the same
		// or one lies inside the other (replacing the destination would
		// delete the source).
		fail(w, http.StatusForbidden, "the destination is the source, inside it, or contains it")
		return false
	}
	if r.Method == "MOVE" && r.Header.Get("Overwrite") == "" {
		r.Header.Set("Overwrite", "T") // §10.6: absent means T
	}
	return true
}

// nested reports whether name b is a or lies inside a.
func nested(a, b string) bool {
	a = strings.TrimRight(a, "/")
	return a == "" || b == a || strings.HasPrefix(b, a+"/")
}

// first is the group id of a name, "" for the root.
func first(name string) string {
	gid, _ := split(name)
	return gid
}

// namespacesOK reports whether an XML body binds no prefix to the empty
// namespace name, which Namespaces in XML 1.0 §3 forbids (litmus
// propfind_invalid2). Other malformations are x/net/webdav's to find.
func namespacesOK(body []byte) bool {
	d := xml.NewDecoder(bytes.NewReader(body))
	for {
		t, err := d.RawToken()
		if err != nil {
			return true
		}
		if se, ok := t.(xml.StartElement); ok {
			for _, a := range se.Attr {
				if a.Name.Space == "xmlns" && a.Value == "" {
					return false
				}
			}
		}
	}
}

func etagIn(etag, list string) bool {
	for _, e := range strings.Split(list, ",") {
		if strings.TrimPrefix(strings.TrimSpace(e), "W/") == etag {
			return true
		}
	}
	return false
}

// checkNewName refuses (400, with the store's sentence) a name that a
// PUT, MKCOL, COPY or MOVE would create when XML cannot carry it: every
// PROPFIND of the folder would then be broken (issue 16 item 4).
func checkNewName(w http.ResponseWriter, name string) bool {
	if _, p := split(name); p != "" {
		if err := groups.CheckNewFilePath(p); err != nil {
			fail(w, http.StatusBadRequest, groups.Message(err))
			return false
		}
	}
	return true
}
