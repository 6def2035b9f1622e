package folder

import (
	"io"
	"net/http"
	"path"
	"strings"

	"groupd/internal/safeserve"
)

// serveGet answers GET and HEAD of a file from its blob, with Range,
// conditional requests and the ETag (RFC 9110 §13, §14). Collections have
// no GET (405), like x/net/webdav.
func (h *handler) serveGet(w http.ResponseWriter, r *http.Request, rq *request, name string) {
	gid, p := split(name)
	if gid == "" {
		fail(w, http.StatusMethodNotAllowed, "use PROPFIND to list your groups")
		return
	}
	f, err := rq.folder(gid)
	if err != nil {
		failErr(w, err)
		return
	}
	blob, fi, err := f.Open(rq.ctx, p)
	if fi != nil && fi.IsDir {
		w.Header().Set("Allow", "OPTIONS, PROPFIND, PROPPATCH, MKCOL, DELETE, COPY, MOVE, LOCK, UNLOCK")
		fail(w, http.StatusMethodNotAllowed, "this is a folder: use PROPFIND to list it")
		return
	}
	if err != nil {
		failErr(w, err)
		return
	}
	defer blob.Close()
	w.Header().Set("ETag", fi.ETag)
	// Issue 16 item 3: a file never runs as the daemon's origin.
	safeserve.Headers(w.Header(), contentType(p), path.Base(p), false)
	var content io.ReadSeeker = blob // an *os.File with the fs BlobStore: sendfile
	if fi.Size == 0 {
		content = strings.NewReader("") // an empty file has no blob
	}
	http.ServeContent(w, r, "", fi.Modified, content)
}
