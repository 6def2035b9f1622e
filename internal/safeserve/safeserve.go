// Package safeserve is how groupd serves what users uploaded (folder
// files, message attachments, profile images) on the daemon's own origin,
// beside the web console and the API, so that such content never runs as
// the daemon (issue 16 item 3): nosniff, a Content-Security-Policy
// sandbox that allows nothing, and a download (Content-Disposition:
// attachment) for every type a browser could render as active content.
// Only a short list of passive types, which a browser paints or shows as
// text, may be shown inline. The web console and the WebDAV folder both
// serve files through it.
package safeserve

import (
	"fmt"
	"mime"
	"net/http"
	"strings"
)

// CSP is the Content-Security-Policy of every user file: an HTML or SVG
// file opened anyway runs in an opaque origin with nothing allowed.
const CSP = "sandbox; default-src 'none'"

// Passive reports whether a media type (parameters ignored) is one that
// a browser only displays: PNG, JPEG, GIF and WebP images and plain text.
// HTML, SVG, XML, JavaScript, PDF and anything unknown are not.
func Passive(contentType string) bool {
	mt, _, _ := strings.Cut(contentType, ";")
	switch strings.ToLower(strings.TrimSpace(mt)) {
	case "image/png", "image/jpeg", "image/gif", "image/webp", "text/plain":
		return true
	}
	return false
}

// Headers sets the headers of a user file answer: its Content-Type,
// nosniff, the sandbox, and Content-Disposition (inline only for a
// passive type and when not download; name is the file name offered, ""
// for none).
func Headers(h http.Header, contentType, name string, download bool) {
	if _, _, err := mime.ParseMediaType(contentType); err != nil || contentType == "" {
		contentType = "application/octet-stream"
	}
	h.Set("Content-Type", contentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", CSP)
	kind := "attachment"
	if Passive(contentType) && !download {
		kind = "inline"
	}
	h.Set("Content-Disposition", Disposition(kind, name))
}

// Disposition is a Content-Disposition value (RFC 6266 §4.1) of kind
// ("inline" or "attachment") for a file named name: a quoted ASCII
// fallback for old agents, and the exact name in UTF-8 as an ext-value
// (RFC 8187 §3.2), which current browsers prefer.
func Disposition(kind, name string) string {
	if name == "" {
		return kind
	}
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
