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
	"math/rand/v2"
	"strings"
	"testing"
)

// noisy is a w×h picture of random pixels, so that its compressed data is
// long enough to cut in the middle.
func noisy(w, h int) image.Image {
	r := rand.New(rand.NewPCG(1, 2))
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.NRGBA{uint8(r.IntN(256)), uint8(r.IntN(256)), uint8(r.IntN(256)), 255})
		}
	}
	return img
}

func encodePNG(t *testing.T, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encodeJPEG(t *testing.T, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pngHeaderOnly is a PNG signature, an IHDR claiming w×h RGBA pixels and
// an IEND: a few dozen bytes that would decode to w·h·4 bytes.
func pngHeaderOnly(w, h uint32) []byte {
	chunk := func(typ string, data []byte) []byte {
		var b bytes.Buffer
		binary.Write(&b, binary.BigEndian, uint32(len(data)))
		b.WriteString(typ)
		b.Write(data)
		binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), data...)))
		return b.Bytes()
	}
	ihdr := binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(nil, w), h)
	ihdr = append(ihdr, 8, 6, 0, 0, 0) // 8-bit RGBA, deflate, no filter choice, no interlace
	out := []byte("\x89PNG\r\n\x1a\n")
	out = append(out, chunk("IHDR", ihdr)...)
	return append(out, chunk("IEND", nil)...)
}

// profileStore is a store with alice master of a group whose picture is
// already set to first; it returns the store and the group id.
func profileStore(t *testing.T, first []byte) (*Store, string) {
	t.Helper()
	s := newStore(t)
	addUsers(t, s, "alice@example.test")
	g := mustGroup(t, s, user("alice@example.test"), GroupSpec{Name: str("Team")})
	if err := s.SetProfile(context.Background(), user("alice@example.test"), g.ID, first); err != nil {
		t.Fatalf("first picture: %v", err)
	}
	return s, g.ID
}

// refused asserts SetProfile refuses data as invalid with a sentence
// containing want, and the group keeps its previous picture.
func refused(t *testing.T, s *Store, id string, data []byte, want string, previous []byte) {
	t.Helper()
	ctx := context.Background()
	err := s.SetProfile(ctx, user("alice@example.test"), id, data)
	wantErr(t, err, ErrInvalid)
	if !strings.Contains(Message(err), want) {
		t.Errorf("refusal says %q, want it to say %q", Message(err), want)
	}
	if _, got, err := s.Profile(ctx, user("alice@example.test"), id); err != nil || !bytes.Equal(got, previous) {
		t.Errorf("the refused picture replaced the previous one (%v)", err)
	}
}

func TestProfileRefusesCutShortImages(t *testing.T) {
	t.Parallel()
	first := encodePNG(t, noisy(8, 8))
	s, id := profileStore(t, first)
	full := encodePNG(t, noisy(64, 64))
	refused(t, s, id, full[:len(full)/2], "cut short", first)
	refused(t, s, id, full[:len(full)-12], "cut short", first) // no IEND chunk
	jpg := encodeJPEG(t, noisy(64, 64))
	refused(t, s, id, jpg[:len(jpg)/2], "cut short", first)
	refused(t, s, id, pngHeaderOnly(16, 16), "cut short", first)
}

func TestProfileRefusesHugeDimensions(t *testing.T) {
	t.Parallel()
	first := encodePNG(t, noisy(8, 8))
	s, id := profileStore(t, first)
	refused(t, s, id, pngHeaderOnly(100000, 100000), "100000 × 100000 pixels", first)
	refused(t, s, id, encodePNG(t, image.NewGray(image.Rect(0, 0, MaxProfileSide+1, 1))), "at most 4096 × 4096", first)
	refused(t, s, id, encodeJPEG(t, image.NewGray(image.Rect(0, 0, 1, MaxProfileSide+1))), "1 × 4097 pixels", first)
}

func TestProfileKeepsWholeImagesByteForByte(t *testing.T) {
	t.Parallel()
	s, id := profileStore(t, encodePNG(t, noisy(8, 8)))
	ctx := context.Background()
	for _, tc := range []struct {
		data []byte
		ct   string
	}{
		{encodePNG(t, noisy(64, 64)), "image/png"},
		{encodeJPEG(t, noisy(64, 64)), "image/jpeg"},
		{encodePNG(t, image.NewGray(image.Rect(0, 0, MaxProfileSide, 1))), "image/png"},
		{append(encodePNG(t, noisy(4, 4)), "trailing bytes after IEND"...), "image/png"},
	} {
		if err := s.SetProfile(ctx, user("alice@example.test"), id, tc.data); err != nil {
			t.Fatalf("%s of %d bytes refused: %v", tc.ct, len(tc.data), err)
		}
		ct, got, err := s.Profile(ctx, user("alice@example.test"), id)
		if err != nil || ct != tc.ct || !bytes.Equal(got, tc.data) {
			t.Fatalf("served %s (%d bytes, %v), want the %s uploaded (%d bytes)", ct, len(got), err, tc.ct, len(tc.data))
		}
	}
}
