package api

import (
	"bytes"
	"encoding/base64"
	"net/http"
	"testing"
)

// onePixelPNG is a valid 1×1 PNG.
const onePixelPNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="

// FuzzProfile uploads fuzzed group pictures. Properties: no panic; never
// a 5xx; an accepted picture is served back byte for byte as image/png or
// image/jpeg; a refused one leaves the previous picture in place.
func FuzzProfile(f *testing.F) {
	png, _ := base64.StdEncoding.DecodeString(onePixelPNG)
	f.Add(png)
	f.Add(png[:30])
	f.Add([]byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00"))
	f.Add([]byte("GIF89a"))
	f.Add([]byte{})
	h := fuzzHandler(f)
	if w := serve(h, "PUT", "/api/v1/groups/team/profile", png); w.Code != http.StatusNoContent {
		f.Fatalf("first picture: %d %s", w.Code, w.Body)
	}
	f.Fuzz(func(t *testing.T, img []byte) {
		before := serve(h, "GET", "/api/v1/groups/team/profile", nil).Body.Bytes()
		w := serve(h, "PUT", "/api/v1/groups/team/profile", img)
		if w.Code >= 500 {
			t.Fatalf("PUT %q: %d %s", img, w.Code, w.Body)
		}
		got := serve(h, "GET", "/api/v1/groups/team/profile", nil)
		ct := got.Header().Get("Content-Type")
		switch {
		case w.Code == http.StatusNoContent:
			if !bytes.Equal(got.Body.Bytes(), img) || (ct != "image/png" && ct != "image/jpeg") {
				t.Fatalf("accepted %q, served %q as %s", img, got.Body.Bytes(), ct)
			}
		case !bytes.Equal(got.Body.Bytes(), before):
			t.Fatalf("refused %q (%d) but the picture changed", img, w.Code)
		}
	})
}
