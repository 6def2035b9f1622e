package safeserve

import (
	"net/http"
	"testing"
)

func TestHeaders(t *testing.T) {
	cases := []struct {
		ct, name string
		download bool
		wantCT   string
		wantDisp string
	}{
		{"text/html; charset=utf-8", "a.html", false, "text/html; charset=utf-8", `attachment; filename="a.html"; filename*=UTF-8''a.html`},
		{"image/svg+xml", "x.svg", false, "image/svg+xml", `attachment; filename="x.svg"; filename*=UTF-8''x.svg`},
		{"application/pdf", "", false, "application/pdf", "attachment"},
		{"image/png", "p.png", false, "image/png", `inline; filename="p.png"; filename*=UTF-8''p.png`},
		{"IMAGE/JPEG", "p.jpg", true, "IMAGE/JPEG", `attachment; filename="p.jpg"; filename*=UTF-8''p.jpg`},
		{"text/plain; charset=utf-8", "보고서 \"1\".txt", false, "text/plain; charset=utf-8",
			`inline; filename="___ _1_.txt"; filename*=UTF-8''%EB%B3%B4%EA%B3%A0%EC%84%9C%20%221%22.txt`},
		{"not a type", "x", false, "application/octet-stream", `attachment; filename="x"; filename*=UTF-8''x`},
	}
	for _, c := range cases {
		h := http.Header{}
		Headers(h, c.ct, c.name, c.download)
		if h.Get("Content-Type") != c.wantCT || h.Get("Content-Disposition") != c.wantDisp ||
			h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Content-Security-Policy") != CSP {
			t.Errorf("%s %q: got %v", c.ct, c.name, h)
		}
	}
}
