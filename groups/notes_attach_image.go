package groups

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	_ "image/gif" // the formats shown inline (with webp below)
	"image/jpeg"
	_ "image/png"
	"io"

	xdraw "golang.org/x/image/draw"
	_ "golang.org/x/image/webp"
)

// Bounds of the images that get a thumbnail. An image over them is
// refused (a decompression bomb: a few KiB of PNG can claim 30,000 ×
// 30,000 pixels), before any pixel is decoded, from image.DecodeConfig.
const (
	MaxImagePixels = 50_000_000
	MaxImageSide   = 16384
	// maxDecodeBytes bounds the memory one decode may take, as estimated
	// from the header (decodes run one at a time: Store.thumbs).
	maxDecodeBytes = 320 << 20
	// ThumbWidth is the largest width of a thumbnail, thumbMaxHeight its
	// height; thumbnails are JPEG.
	ThumbWidth     = 320
	thumbMaxHeight = 960
)

// inlineType is the Content-Type of an image format shown inline, by
// its name in package image; "" for any other.
func inlineType(format string) string {
	switch format {
	case "png", "jpeg", "gif", "webp":
		return "image/" + format
	}
	return ""
}

// imageInfo is what inspectImage found: ok when the blob is an image
// shown inline, of type typ, with its thumbnail blob.
type imageInfo struct {
	ok        bool
	typ       string
	thumb     string
	thumbSize int64
}

// inspectImage reads the committed blob: when its header is one of the
// inline formats (inlineType), it checks the image's size (ErrInvalid past the bounds),
// decodes it and stores its thumbnail. Anything that does not decode is
// no image (a download), whatever its name says.
func (s *Store) inspectImage(ctx context.Context, blob, tempDir string) (imageInfo, error) {
	r, err := s.blobs.Open(ctx, blob)
	if err != nil {
		return imageInfo{}, err
	}
	defer r.Close()
	cfg, format, err := image.DecodeConfig(bufio.NewReader(r))
	typ := inlineType(format)
	if err != nil || typ == "" {
		return imageInfo{}, nil
	}
	progressive := false
	if format == "jpeg" {
		if progressive, err = jpegProgressive(r); err != nil {
			return imageInfo{}, nil
		}
	}
	if err := checkImageBounds(cfg, progressive); err != nil {
		return imageInfo{}, err
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return imageInfo{}, err
	}
	thumb, ok, err := s.decodeThumb(ctx, r)
	if err != nil || !ok {
		return imageInfo{}, err
	}
	name, size, err := s.putThumb(ctx, tempDir, thumb)
	if err != nil {
		return imageInfo{}, err
	}
	return imageInfo{ok: true, typ: typ, thumb: name, thumbSize: size}, nil
}

// checkImageBounds refuses an image whose header claims more pixels, a
// longer side or more memory to decode than the bounds above.
func checkImageBounds(cfg image.Config, progressive bool) error {
	w, h := int64(cfg.Width), int64(cfg.Height)
	if w <= 0 || h <= 0 || w > MaxImageSide || h > MaxImageSide || w*h > MaxImagePixels ||
		w*h*bytesPerPixel(cfg.ColorModel, progressive) > maxDecodeBytes {
		return errorf(ErrInvalid, "the image is %d × %d pixels, too large to show: images of at most %d megapixels, "+
			"%d pixels a side, are accepted (upload it in a zip file to share it as it is)",
			w, h, MaxImagePixels/1_000_000, MaxImageSide)
	}
	return nil
}

// bytesPerPixel is what decoding an image of the color model takes per
// pixel, at worst: a progressive JPEG also keeps its coefficients
// (4 bytes per pixel and component).
func bytesPerPixel(m color.Model, progressive bool) int64 {
	var n int64
	switch m {
	case color.GrayModel:
		n = 1
	case color.Gray16Model:
		n = 2
	case color.YCbCrModel:
		n = 3
	case color.CMYKModel, color.RGBAModel, color.NRGBAModel:
		n = 4
	default:
		if _, ok := m.(color.Palette); ok {
			n = 1
		} else {
			n = 8 // 16-bit RGBA and anything else
		}
	}
	if progressive {
		n += 4 * n
	}
	return n
}

// decodeThumb decodes the image, one decode at a time in the store, and
// scales it to a thumbnail; ok is false when it does not decode.
func (s *Store) decodeThumb(ctx context.Context, r io.Reader) (*image.RGBA, bool, error) {
	select {
	case s.thumbs <- struct{}{}:
		defer func() { <-s.thumbs }()
	case <-ctx.Done():
		return nil, false, ctx.Err()
	}
	src, _, err := image.Decode(bufio.NewReader(r))
	if err != nil {
		return nil, false, nil
	}
	return scaleThumb(src), true, nil
}

// scaleThumb draws src at most ThumbWidth wide and thumbMaxHeight high
// (never enlarged) over white, so that a transparent image reads as one
// in a JPEG.
func scaleThumb(src image.Image) *image.RGBA {
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	if w > ThumbWidth {
		w, h = ThumbWidth, max(1, h*ThumbWidth/b.Dx())
	}
	if h > thumbMaxHeight {
		w, h = max(1, w*thumbMaxHeight/h), thumbMaxHeight
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(dst, dst.Bounds(), image.White, image.Point{}, draw.Src)
	xdraw.BiLinear.Scale(dst, dst.Bounds(), src, b, xdraw.Over, nil)
	return dst
}

// putThumb stores the thumbnail as a JPEG blob.
func (s *Store) putThumb(ctx context.Context, tempDir string, img image.Image) (string, int64, error) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 82}); err != nil {
		return "", 0, err
	}
	name := newBlobName()
	w, err := s.blobs.Create(ctx, tempDir, name)
	if err != nil {
		return "", 0, err
	}
	defer w.Abort()
	size := int64(buf.Len())
	if _, err := w.Write(buf.Bytes()); err != nil {
		return "", 0, err
	}
	return name, size, w.Commit(ctx)
}

// jpegProgressive reads the JPEG's markers from the start up to its
// frame header: SOF2 (and the other progressive SOFs) mean progressive.
func jpegProgressive(r io.ReadSeeker) (bool, error) {
	if _, err := r.Seek(2, io.SeekStart); err != nil { // past SOI
		return false, err
	}
	br := bufio.NewReader(r)
	for range 1000 {
		var m [4]byte
		if _, err := io.ReadFull(br, m[:2]); err != nil || m[0] != 0xff {
			return false, fmt.Errorf("jpeg: bad marker (%v)", err)
		}
		for m[1] == 0xff { // fill bytes
			if m[1], _ = br.ReadByte(); m[1] == 0 {
				return false, fmt.Errorf("jpeg: bad marker")
			}
		}
		switch m[1] {
		case 0xc0, 0xc1, 0xc3, 0xc5, 0xc7, 0xc9, 0xcb, 0xcd, 0xcf:
			return false, nil
		case 0xc2, 0xc6, 0xca, 0xce:
			return true, nil
		}
		if _, err := io.ReadFull(br, m[2:]); err != nil {
			return false, err
		}
		if _, err := br.Discard(int(m[2])<<8 | int(m[3]) - 2); err != nil {
			return false, err
		}
	}
	return false, fmt.Errorf("jpeg: no frame header")
}
