package web

import (
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strings"

	"groupd/groups"
)

// Serving a group's files on the console's own origin (issue 16 item 3):
// a file must never run as the daemon. Every file answer carries
// nosniff (set for every answer in ServeHTTP) and a sandboxing CSP, and
// is an attachment unless its type is on a short list of passive types
// that a browser only displays.

// fileCSP replaces the console's policy on file answers: an HTML or SVG
// file opened anyway runs in an opaque origin with nothing allowed.
const fileCSP = "sandbox; default-src 'none'"

// inlineTypes are the passive types served inline, by extension: images
// a browser paints and plain text. Everything else — HTML, SVG, XML,
// JavaScript, PDF and whatever a browser may learn to render — is
// downloaded.
var inlineTypes = map[string]string{
	".png":  "image/png",
	".jpg":  "image/jpeg",
	".jpeg": "image/jpeg",
	".gif":  "image/gif",
	".webp": "image/webp",
	".txt":  "text/plain; charset=utf-8",
}

// fileType is the Content-Type of a file, chosen by its name (never by
// reading it), and whether it may be shown inline.
func fileType(name string) (ct string, inline bool) {
	ext := strings.ToLower(path.Ext(name))
	if t, ok := inlineTypes[ext]; ok {
		return t, true
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t, false
	}
	return "application/octet-stream", false
}

// contentDisposition is the header value for a file named name (RFC 6266
// §4.1): a quoted ASCII fallback for old agents, and the exact name in
// UTF-8 as an ext-value (RFC 8187 §3.2), which current browsers prefer.
func contentDisposition(kind, name string) string {
	fallback := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' || r == '%' {
			return '_'
		}
		return r
	}, name)
	return kind + `; filename="` + fallback + `"; filename*=UTF-8''` + rfc8187Escape(name)
}

// rfc8187Escape percent-encodes every byte that is not an attr-char
// (RFC 8187 §3.2.1).
func rfc8187Escape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x80 && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			strings.IndexByte("!#$&+-.^_`|~", c) >= 0) {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
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
	ct, inline := fileType(name)
	kind := "attachment"
	if inline && !download {
		kind = "inline"
	}
	h := c.w.Header()
	h.Set("Content-Type", ct)
	h.Set("Content-Disposition", contentDisposition(kind, name))
	h.Set("Content-Security-Policy", fileCSP)
	h.Set("X-Content-Type-Options", "nosniff")
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
