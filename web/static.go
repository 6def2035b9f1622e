package web

import (
	"embed"
	"path"
	"strings"
)

//go:embed static
var staticFS embed.FS

// static serves the console's CSS, script and icons. They change only
// with the binary, so browsers may keep them for an hour.
func (s *server) static(c *reqCtx) error {
	name := strings.TrimPrefix(c.r.URL.Path, "/static/")
	if name == "" || strings.Contains(name, "..") || path.Clean(name) != name {
		return errNotFound()
	}
	b, err := staticFS.ReadFile("static/" + name)
	if err != nil {
		return errNotFound()
	}
	ct := "application/octet-stream"
	switch path.Ext(name) {
	case ".css":
		ct = "text/css; charset=utf-8"
	case ".js":
		ct = "text/javascript; charset=utf-8"
	case ".svg":
		ct = "image/svg+xml"
	case ".png":
		ct = "image/png"
	}
	c.w.Header().Set("Content-Type", ct)
	c.w.Header().Set("Cache-Control", "public, max-age=3600")
	c.w.Write(b)
	return nil
}
