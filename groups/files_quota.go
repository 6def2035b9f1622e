package groups

import (
	"context"
	"errors"
)

// SetFolderQuota sets a group's folder quota in bytes; 0 returns the group
// to the configured default. Administrators only.
func (s *Store) SetFolderQuota(ctx context.Context, a Actor, groupID string, bytes int64) error {
	if !a.Admin {
		return errorf(ErrDenied, "only administrators set quotas")
	}
	if bytes < 0 {
		return errorf(ErrInvalid, "a quota is a number of bytes, 0 for the default")
	}
	return s.write(ctx, func(tx *wtx) error {
		_, acc, err := s.loadFacts(ctx, tx, a, groupID)
		if err != nil {
			return err
		}
		if bytes == 0 {
			_, err = tx.ExecContext(ctx, `DELETE FROM folder_quota WHERE gid = ?`, acc.gid)
		} else {
			_, err = tx.ExecContext(ctx, `INSERT INTO folder_quota (gid, bytes) VALUES (?, ?)
				ON CONFLICT (gid) DO UPDATE SET bytes = excluded.bytes`, acc.gid, bytes)
		}
		return err
	})
}

// FolderQuota reads a group's own quota: 0 when it uses the default.
// Administrators and the group's members.
func (s *Store) FolderQuota(ctx context.Context, a Actor, groupID string) (int64, error) {
	acc, err := s.Authorize(ctx, a, groupID, ActSee, "")
	if err != nil {
		return 0, err
	}
	var b int64
	err = s.rdb.QueryRowContext(ctx, `SELECT bytes FROM folder_quota WHERE gid = ?`, acc.gid).Scan(&b)
	if errors.Is(err, errNoRows) {
		return 0, nil
	}
	return b, err
}

// Usage gives the bytes the folder holds and its quota (RFC 4331).
func (f *Folder) Usage(ctx context.Context) (used, quota int64, err error) {
	return f.usage(ctx, f.s.rdb)
}

func (f *Folder) usage(ctx context.Context, q querier) (used, quota int64, err error) {
	err = q.QueryRowContext(ctx, `SELECT COALESCE((SELECT SUM(size) FROM files WHERE gid = ?), 0),
		COALESCE((SELECT bytes FROM folder_quota WHERE gid = ?), ?)`, f.gid, f.gid, f.defQuota).Scan(&used, &quota)
	return used, quota, err
}

// checkQuota fails with ErrTooLarge when adding more bytes would take the
// folder over its quota.
func (f *Folder) checkQuota(ctx context.Context, q querier, more int64) error {
	used, quota, err := f.usage(ctx, q)
	if err != nil {
		return err
	}
	if used+more > quota {
		return errorf(ErrTooLarge, "the group's folder is full (quota exceeded)")
	}
	return nil
}
