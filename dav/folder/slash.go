package folder

import (
	"io"
	"net/http"
	"strings"
)

// above reports whether p is "/" or another ancestor of the prefix
// ("/dav", "/dav/").
func (h *handler) above(p string) bool {
	p = strings.TrimRight(p, "/")
	return p == "" || strings.HasPrefix(h.opts.Prefix, p+"/")
}

// serveSlash answers OPTIONS and PROPFIND (Depth 0) of "/" and the other
// ancestors of the prefix, for clients that probe them before the folder
// (the Windows mini-redirector, gvfs): each is a collection with nothing
// else to say.
func (h *handler) serveSlash(w http.ResponseWriter, r *http.Request) {
	href := strings.TrimRight(r.URL.Path, "/") + "/"
	switch r.Method {
	case http.MethodOptions:
		w.Header().Set("Allow", "OPTIONS, PROPFIND")
		w.WriteHeader(http.StatusOK)
	case "PROPFIND":
		if _, ok := h.authenticate(w, r); !ok {
			return
		}
		w.Header().Set("Content-Type", "application/xml; charset=utf-8")
		w.WriteHeader(207)
		io.WriteString(w, `<?xml version="1.0" encoding="utf-8"?>`+"\n"+
			`<D:multistatus xmlns:D="DAV:"><D:response><D:href>`+xmlText(href)+`</D:href><D:propstat><D:prop>`+
			`<D:resourcetype><D:collection/></D:resourcetype><D:displayname></D:displayname>`+
			`</D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response></D:multistatus>`+"\n")
	default:
		fail(w, http.StatusNotFound, "")
	}
}
