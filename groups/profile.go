package groups

import (
	"bytes"
	"context"
	"errors"
	"image"
	_ "image/jpeg" // registers JPEG for DecodeConfig
	_ "image/png"  // registers PNG for DecodeConfig
)

// SetProfile stores a group's profile image: a PNG or JPEG of at most
// MaxProfileBytes. Masters and admins only.
func (s *Store) SetProfile(ctx context.Context, a Actor, id string, data []byte) error {
	if len(data) > MaxProfileBytes {
		return errorf(ErrInvalid, "the profile image is %d bytes; at most %d (1 MiB) are allowed", len(data), MaxProfileBytes)
	}
	_, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || (format != "png" && format != "jpeg") {
		return errorf(ErrInvalid, "the profile image must be a PNG or JPEG file")
	}
	return s.write(ctx, func(tx *wtx) error {
		acc, err := s.authorizeQ(ctx, tx, a, id, ActManage, "")
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO profiles (gid, content_type, data, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (gid) DO UPDATE SET content_type = excluded.content_type, data = excluded.data,
			updated_at = excluded.updated_at`, acc.gid, "image/"+format, data, tx.unix())
		if err == nil {
			tx.emit(Change{Kind: ChangeGroupUpdated, GroupID: id})
		}
		return err
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
