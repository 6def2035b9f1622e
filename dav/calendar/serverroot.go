package calendar

import (
	"io"
	"net/http"
)

// rootPointer is the answer to GET / (a person who opens the server
// address in a browser).
const rootPointer = "groupd: CalDAV at /dav/, files at /dav/files/<group>/, API at /api/v1/\n"

// serveServerRoot answers requests for the bare server URL "/", mounted
// there by the daemon apart from the prefix. Calendar clients that do not
// follow /.well-known/caldav (python caldav given http://host:port/,
// DAVx5, Thunderbird, Apple Calendar) PROPFIND "/" for
// current-user-principal (RFC 5397 §3, RFC 6764 §6 step 4), and the
// Windows WebDAV mini-redirector probes OPTIONS and PROPFIND on "/" before
// it maps /dav/files/<group>/.
func (h *handler) serveServerRoot(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodOptions:
		// RFC 4918 §10.1, RFC 4791 §5.1; class 2 because the group folders
		// below lock (Windows refuses to map a share without it).
		w.Header().Set("DAV", "1, 2, 3, calendar-access")
		w.Header().Set("MS-Author-Via", "DAV")
		w.Header().Set("Allow", "OPTIONS, GET, HEAD, PROPFIND")
		w.WriteHeader(http.StatusOK)
	case http.MethodGet, http.MethodHead:
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		if r.Method == http.MethodGet {
			io.WriteString(w, rootPointer)
		}
	case "PROPFIND":
		user, err := h.authenticate(r)
		if err != nil {
			h.unauthorized(w, err)
			return
		}
		h.propfindServerRoot(w, r, &reqState{h: h, r: r, user: user})
	default:
		w.Header().Set("Allow", "OPTIONS, GET, HEAD, PROPFIND")
		writeError(w, http.StatusMethodNotAllowed, "", "the server root only answers OPTIONS, GET and PROPFIND; calendars are under "+h.prefix+"/")
	}
}

// propfindServerRoot answers PROPFIND on "/" as a collection with the
// properties of the DAV root (current-user-principal, calendar-home-set);
// at depth 1 its one member is the DAV root.
func (h *handler) propfindServerRoot(w http.ResponseWriter, r *http.Request, st *reqState) {
	body, ok := h.requestBody(w, r)
	if !ok {
		return
	}
	q, err := parsePropfind(body)
	if err != nil {
		writeError(w, http.StatusBadRequest, "", "the PROPFIND body is not a DAV:propfind document")
		return
	}
	resps := []response{selectProps("/", h.rootProps(st), q)}
	if r.Header.Get("Depth") != "0" {
		resps = append(resps, selectProps(h.prefix+"/", h.rootProps(st), q))
	}
	h.multistatus(w, resps, "")
}
