package groups

import (
	"bytes"
	"context"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"
)

// testPNG is a w × h PNG with a gradient.
func testPNG(t testing.TB, w, h int) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.NRGBA{uint8(x), uint8(y), 200, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// bombHeader is the start of a PNG that claims side × side pixels: all
// that image.DecodeConfig reads.
func bombHeader(t testing.TB, side int) []byte {
	var b bytes.Buffer
	png.Encode(&b, image.NewGray(image.Rect(0, 0, 1, 1)))
	p := b.Bytes()
	// IHDR's width and height follow the signature (8), length and type (8).
	for i, v := range []int{side, side} {
		binary.BigEndian.PutUint32(p[16+4*i:], uint32(v))
	}
	binary.BigEndian.PutUint32(p[29:], crc32.ChecksumIEEE(p[12:29])) // type and data
	return p
}

// An image whose header claims too many pixels is refused before it is
// decoded, and leaves no blob behind.
func TestNoteAttachmentImageBomb(t *testing.T) {
	fx := newAttachFixture(t)
	before, _ := fx.s.blobs.List(context.Background())
	_, err := fx.attach(fx.bob, "bomb.png", bombHeader(t, 30000))
	wantErr(t, err, ErrInvalid)
	if !strings.Contains(Message(err), "30000 × 30000 pixels") {
		t.Errorf("sentence: %q", Message(err))
	}
	_, err = fx.attach(fx.bob, "tall.png", bombHeader(t, MaxImageSide+1))
	wantErr(t, err, ErrInvalid)
	after, _ := fx.s.blobs.List(context.Background())
	if len(after) != len(before) {
		t.Errorf("the refused images left blobs: %d before, %d after", len(before), len(after))
	}
}

// The header's claims bound the memory a decode may take: pixels, sides,
// and bytes per pixel by color model (a progressive JPEG keeps its
// coefficients too).
func TestImageBounds(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		w, h        int
		m           color.Model
		progressive bool
		ok          bool
	}{
		{4000, 3000, color.YCbCrModel, false, true},
		{4000, 3000, color.YCbCrModel, true, true},
		{7000, 7000, color.YCbCrModel, false, true},
		{7000, 7000, color.YCbCrModel, true, false}, // 49 MP × 15 bytes
		{7000, 7000, color.RGBA64Model, false, false},
		{7000, 7000, color.NRGBAModel, false, true},
		{8000, 7000, color.GrayModel, false, false}, // 56 MP
		{16385, 10, color.GrayModel, false, false},
		{0, 10, color.GrayModel, false, false},
	} {
		err := checkImageBounds(image.Config{ColorModel: c.m, Width: c.w, Height: c.h}, c.progressive)
		if (err == nil) != c.ok {
			t.Errorf("%d × %d %T progressive %v: %v", c.w, c.h, c.m, c.progressive, err)
		}
	}
	var b bytes.Buffer
	jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, 8, 8)), nil)
	if p, err := jpegProgressive(bytes.NewReader(b.Bytes())); p || err != nil {
		t.Errorf("a baseline JPEG reads as progressive %v (%v)", p, err)
	}
	prog := bytes.Replace(b.Bytes(), []byte{0xff, 0xc0}, []byte{0xff, 0xc2}, 1)
	if p, err := jpegProgressive(bytes.NewReader(prog)); !p || err != nil {
		t.Errorf("SOF2 reads as baseline (%v)", err)
	}
}
