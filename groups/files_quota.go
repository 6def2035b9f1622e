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
	return groupUsage(ctx, q, f.gid, f.defQuota)
}

// groupUsage gives the bytes a group holds against its quota: its
// folder's files, entries and properties, and its notes' attachments
// with their thumbnails; and the quota (defQuota without its own).
func groupUsage(ctx context.Context, q querier, gid, defQuota int64) (used, quota int64, err error) {
	err = q.QueryRowContext(ctx, `SELECT
		COALESCE((SELECT SUM(size) + ? * COUNT(*) FROM files WHERE gid = ? AND path != ''), 0) +
		COALESCE((SELECT SUM(`+propBytesSQL+`) FROM file_props p JOIN files f ON f.fid = p.fid WHERE f.gid = ?), 0) +
		COALESCE((SELECT SUM(size + thumb_size) FROM note_attachments WHERE gid = ?), 0),
		COALESCE((SELECT bytes FROM folder_quota WHERE gid = ?), ?)`,
		FolderEntryBytes, gid, gid, gid, gid, defQuota).Scan(&used, &quota)
	return used, quota, err
}

// QuotaExceeded is the sentence of every refusal for want of quota
// (folder files and note attachments alike).
const QuotaExceeded = "the group's folder is full (quota exceeded)"

// checkQuota fails with ErrTooLarge when adding more bytes would take the
// folder over its quota.
func (f *Folder) checkQuota(ctx context.Context, q querier, more int64) error {
	return checkGroupQuota(ctx, q, f.gid, f.defQuota, more)
}

// checkGroupQuota is checkQuota for any of the group's data.
func checkGroupQuota(ctx context.Context, q querier, gid, defQuota, more int64) error {
	used, quota, err := groupUsage(ctx, q, gid, defQuota)
	if err != nil {
		return err
	}
	if used+more > quota {
		return errorf(ErrTooLarge, QuotaExceeded)
	}
	return nil
}

// FolderEntryBytes is what an entry (file or directory, the folder itself
// aside) counts toward the quota beside its content and properties: its
// row, name and indexes in the database. Without it empty files, and the
// dead properties they carry, cost nothing (issue 16 item 11).
const FolderEntryBytes = 256

// propBytesSQL is the bytes a dead property (file_props row p) stores.
const propBytesSQL = `octet_length(p.space) + octet_length(p.local) +
	octet_length(p.lang) + octet_length(p.inner_xml)`

// propsOf gives the number and bytes of the dead properties of fid.
func propsOf(ctx context.Context, q querier, fid int64) (n int, bytes int64, err error) {
	err = q.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(`+propBytesSQL+`), 0)
		FROM file_props p WHERE p.fid = ?`, fid).Scan(&n, &bytes)
	return n, bytes, err
}

// checkProps enforces, after a change to the dead properties of fid that
// held before bytes, the limits of one entry (MaxDeadProps,
// MaxEntryPropBytes) and, when they grew, the folder's quota.
func (f *Folder) checkProps(ctx context.Context, tx *wtx, fid, before int64) error {
	n, after, err := propsOf(ctx, tx, fid)
	if err != nil {
		return err
	}
	if n > MaxDeadProps {
		return errorf(ErrTooLarge, "a file or folder holds at most %d properties", MaxDeadProps)
	}
	if after > MaxEntryPropBytes {
		return errorf(ErrTooLarge, "the properties of a file or folder hold at most %d KiB", MaxEntryPropBytes>>10)
	}
	if after > before {
		return f.checkQuota(ctx, tx, 0)
	}
	return nil
}
