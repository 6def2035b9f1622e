package web

import (
	"io"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strings"

	"groupd/groups"
	"groupd/internal/safeserve"
)

// Serving a group's files on the console's own origin (issue 16 item 3):
// internal/safeserve's headers, so that a file never runs as the daemon.

// fileType is the Content-Type of a file, chosen by its name (never by
// reading it).
func fileType(name string) string {
	ext := strings.ToLower(path.Ext(name))
	if ext == ".txt" {
		return "text/plain; charset=utf-8"
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return "application/octet-stream"
}

// serveFile streams the file at p of f with the headers above. Range and
// conditional requests are answered by http.ServeContent (RFC 9110 §13,
// §14), which also sets Content-Length. download forces an attachment.
func serveFile(c *reqCtx, f *groups.Folder, fi *groups.FileInfo, download bool) error {
	blob, fi, err := f.Open(c.r.Context(), fi.Path)
	if err != nil {
		return err
	}
	defer blob.Close()
	name := fi.Name()
	h := c.w.Header()
	safeserve.Headers(h, fileType(name), name, download)
	h.Set("Cache-Control", "private, no-cache")
	h.Set("ETag", fi.ETag)
	var content io.ReadSeeker = blob // an *os.File: sendfile
	if fi.Size == 0 {
		content = strings.NewReader("") // the blob of an empty file is /dev/null
	}
	http.ServeContent(c.w, c.r, "", fi.Modified, content)
	return nil
}

// escapePath percent-encodes each segment of a folder path for a URL.
func escapePath(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}
