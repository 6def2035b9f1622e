package groups

import (
	"bytes"
	"context"
	"errors"
	"image"
	_ "image/jpeg" // registers JPEG for image.Decode
	_ "image/png"  // registers PNG for image.Decode
	"io"
	"strings"
)

// MaxProfileSide bounds a profile image's width and height in pixels, so
// that a small file cannot make the server decode a huge picture.
const MaxProfileSide = 4096

// SetProfile stores a group's profile image: a whole, decodable PNG or
// JPEG of at most MaxProfileBytes and MaxProfileSide × MaxProfileSide
// pixels, kept byte for byte. Masters and admins only. The members are
// told (a Group notification) when the group has notify on.
func (s *Store) SetProfile(ctx context.Context, a Actor, id string, data []byte) error {
	format, err := checkProfile(data)
	if err != nil {
		return err
	}
	return s.write(ctx, func(tx *wtx) error {
		acc, err := s.authorizeQ(ctx, tx, a, id, ActManage, "")
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO profiles (gid, content_type, data, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (gid) DO UPDATE SET content_type = excluded.content_type, data = excluded.data,
			updated_at = excluded.updated_at`, acc.gid, "image/"+format, data, tx.unix())
		if err != nil {
			return err
		}
		tx.emit(Change{Kind: ChangeGroupUpdated, GroupID: id})
		return s.notifyEdit(ctx, tx, acc.gid, a, GroupNotice{Profile: true})
	})
}

// Profile returns a group's profile image and its content type; whoever
// may see the group may see it.
func (s *Store) Profile(ctx context.Context, a Actor, id string) (string, []byte, error) {
	acc, err := s.Authorize(ctx, a, id, ActSee, "")
	if err != nil {
		return "", nil, err
	}
	var ct string
	var data []byte
	err = s.rdb.QueryRowContext(ctx, `SELECT content_type, data FROM profiles WHERE gid = ?`, acc.gid).Scan(&ct, &data)
	if errors.Is(err, errNoRows) {
		return "", nil, errorf(ErrNotFound, "this group has no profile image")
	}
	return ct, data, err
}

// checkProfile returns the image's format ("png" or "jpeg") once the
// whole file has decoded. The header's dimensions are checked before any
// pixel is decoded (a decompression bomb is refused unread).
func checkProfile(data []byte) (string, error) {
	if len(data) > MaxProfileBytes {
		return "", errorf(ErrInvalid, "the profile image is %d bytes; at most %d (1 MiB) are allowed", len(data), MaxProfileBytes)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || (format != "png" && format != "jpeg") {
		return "", errorf(ErrInvalid, "the profile image must be a PNG or JPEG file")
	}
	if cfg.Width > MaxProfileSide || cfg.Height > MaxProfileSide {
		return "", errorf(ErrInvalid, "the profile image is %d × %d pixels; at most %d × %d are allowed",
			cfg.Width, cfg.Height, MaxProfileSide, MaxProfileSide)
	}
	if _, _, err := image.Decode(bytes.NewReader(data)); err != nil {
		return "", errorf(ErrInvalid, "the profile image is damaged or cut short (%s); upload the whole %s file",
			imageProblem(err), strings.ToUpper(format))
	}
	return format, nil
}

// imageProblem is a decoder's error in words a person can act on.
func imageProblem(err error) string {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return "the file ends early"
	}
	return err.Error()
}

// CheckProfile says whether data would be accepted as a profile image
// (PNG or JPEG, at most 1 MiB and 4096 × 4096), so that a form can
// refuse it before it creates anything.
func CheckProfile(data []byte) error {
	_, err := checkProfile(data)
	return err
}
