package folder

import (
	"io"
	"net/http"
)

// serveSlash answers OPTIONS and PROPFIND of "/" for clients that probe
// the server root before the folder (the Windows mini-redirector, gvfs):
// "/" is a collection with nothing else to say.
func (h *handler) serveSlash(w http.ResponseWriter, r *http.Request) {
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
			`<D:multistatus xmlns:D="DAV:"><D:response><D:href>/</D:href><D:propstat><D:prop>`+
			`<D:resourcetype><D:collection/></D:resourcetype><D:displayname></D:displayname>`+
			`</D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response></D:multistatus>`+"\n")
	default:
		fail(w, http.StatusNotFound, "")
	}
}
