package api

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"
)

func pngImage(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	img.Set(1, 1, color.RGBA{200, 10, 10, 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func jpegImage(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, 8, 8)), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestProfile(t *testing.T) {
	e := newEnv(t)
	e.users("alice@example.test", "bob@example.test", "carol@example.test")
	alice, bob, carol := as("alice@example.test"), as("bob@example.test"), as("carol@example.test")
	e.group(alice, map[string]any{"id": "team", "name": "Team", "members": []string{"bob@example.test"}})

	e.wantErr(404, "not_found", "no profile image", e.do(bob, "GET", "/api/v1/groups/team/profile", nil))
	img := pngImage(t)
	e.want(204, e.do(alice, "PUT", "/api/v1/groups/team/profile", img))
	for _, w := range []who{alice, bob, carol} { // whoever sees the group
		r := e.want(200, e.do(w, "GET", "/api/v1/groups/team/profile", nil))
		if ct := r.header.Get("Content-Type"); ct != "image/png" || !bytes.Equal(r.body, img) {
			t.Errorf("profile: %s, %d bytes", ct, len(r.body))
		}
	}
	j := jpegImage(t)
	e.want(204, e.do(admin, "PUT", "/api/v1/groups/team/profile", j))
	r := e.want(200, e.do(bob, "GET", "/api/v1/groups/team/profile", nil))
	if ct := r.header.Get("Content-Type"); ct != "image/jpeg" || !bytes.Equal(r.body, j) {
		t.Errorf("jpeg profile: %s", ct)
	}

	e.wantErr(403, "forbidden", "only masters", e.do(bob, "PUT", "/api/v1/groups/team/profile", img))
	e.wantErr(422, "invalid", "PNG or JPEG", e.do(alice, "PUT", "/api/v1/groups/team/profile", "GIF89a not really"))
	e.wantErr(422, "invalid", "PNG or JPEG", e.do(alice, "PUT", "/api/v1/groups/team/profile", nil))
	// A valid PNG padded to one byte over 1 MiB is refused for its size.
	big := append(append([]byte{}, img...), make([]byte, 1<<20+1-len(img))...)
	e.wantErr(422, "invalid", "over 1 MiB", e.do(alice, "PUT", "/api/v1/groups/team/profile", big))
	e.wantErr(422, "invalid", "over 1 MiB", e.do(alice, "PUT", "/api/v1/groups/team/profile", make([]byte, 3<<20)))
	// Exactly 1 MiB is allowed.
	e.want(204, e.do(alice, "PUT", "/api/v1/groups/team/profile", big[:1<<20]))
	r = e.want(200, e.do(bob, "GET", "/api/v1/groups/team/profile", nil))
	if len(r.body) != 1<<20 || r.header.Get("Content-Type") != "image/png" {
		t.Errorf("1 MiB profile came back as %d bytes %s", len(r.body), r.header.Get("Content-Type"))
	}
}
