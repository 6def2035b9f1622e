package groups

import (
	"context"
	"path/filepath"
)

// Purge deletes the data of the named features of a group (SPEC §1,
// "Delete data"). Masters and admins only. Other features are untouched.
func (s *Store) Purge(ctx context.Context, a Actor, id string, features []string) error {
	if len(features) == 0 {
		return errorf(ErrInvalid, "name at least one feature to purge")
	}
	for _, f := range features {
		if !contains(AllFeatures(), f) {
			return errorf(ErrInvalid, "%q is not a feature (message, note, event, task, folder)", f)
		}
	}
	err := s.write(ctx, func(tx *wtx) error {
		f, acc, err := s.loadFacts(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if err := decide(a, f, ActPurge, ""); err != nil {
			return err
		}
		for _, feat := range features {
			if err := purgeFeature(ctx, tx, acc.gid, feat); err != nil {
				return err
			}
			tx.emit(Change{Kind: ChangePurged, GroupID: id, Feature: feat})
		}
		return nil
	})
	if err == nil {
		s.forget(ctx)
	}
	return err
}

// forget makes deleted data unreadable from every file under data_dir:
// secure_delete (see openDB) has zeroed the rows in the pages written,
// and a TRUNCATE checkpoint copies those pages into the database file and
// empties the write-ahead log, which still held the old page images
// (https://www.sqlite.org/pragma.html#pragma_wal_checkpoint). It waits
// up to the busy timeout for readers on older snapshots; one still
// reading then leaves it partial, which is logged.
func (s *Store) forget(ctx context.Context) {
	if s.d.pg {
		return // PostgreSQL: its own VACUUM reclaims dead rows
	}
	var busy, frames, done int
	err := s.wdb.QueryRowContext(context.WithoutCancel(ctx), `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &frames, &done)
	if err != nil || busy != 0 {
		s.log.Warn("checkpoint after a deletion was partial", "busy", busy, "frames", frames, "done", done, "err", err)
	}
}

func purgeFeature(ctx context.Context, tx *wtx, gid int64, feature string) error {
	var err error
	switch feature {
	case FeatureNote:
		if err = trashAttachments(ctx, tx, "gid = ?", gid); err == nil {
			_, err = tx.ExecContext(ctx, `DELETE FROM notes WHERE gid = ?`, gid)
		}
	case FeatureMessage:
		_, err = tx.ExecContext(ctx, `DELETE FROM messages WHERE gid = ?`, gid)
	case FeatureEvent, FeatureTask:
		_, err = tx.ExecContext(ctx, `DELETE FROM cal_objects WHERE gid = ? AND feature = ?`, gid, feature)
	case FeatureFolder:
		if err = trashGroupBlobs(ctx, tx, gid); err == nil {
			_, err = tx.ExecContext(ctx, `DELETE FROM files WHERE gid = ?`, gid)
		}
	}
	return err
}

// trashGroupBlobs records the group's blobs for removal after commit.
func trashGroupBlobs(ctx context.Context, tx *wtx, gid int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO blob_trash (blob)
		SELECT blob FROM files WHERE gid = ? AND blob <> '' ON CONFLICT DO NOTHING`, gid)
	tx.trash = append(tx.trash, "group")
	return err
}

// DeleteGroup removes a group and all its data for good; its list address
// stops accepting mail at once and its id is never used again.
func (s *Store) DeleteGroup(ctx context.Context, a Actor, id string) error {
	err := s.write(ctx, func(tx *wtx) error {
		f, acc, err := s.loadFacts(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if err := decide(a, f, ActDelete, ""); err != nil {
			return err
		}
		g, _, err := loadGroup(ctx, tx, id)
		if err != nil {
			return err
		}
		if g.Notify {
			// Written before the memberships go, so the members can be told.
			if err := s.notifyGroup(ctx, tx, acc.gid, a, GroupNotice{Event: GroupDeleted, Group: g.Name}); err != nil {
				return err
			}
		}
		if err := trashGroupBlobs(ctx, tx, acc.gid); err != nil {
			return err
		}
		if err := trashAttachments(ctx, tx, "gid = ?", acc.gid); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO retired_ids (id) VALUES (?)`, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM groups WHERE gid = ?`, acc.gid); err != nil {
			return err
		}
		tx.emit(Change{Kind: ChangeGroupDeleted, GroupID: id})
		return nil
	})
	if err == nil {
		s.forget(ctx)
	}
	return err
}

// BlobPath is where the blob with the given name lives with the fs
// BlobStore (and where the folder handlers keep upload temporaries).
func (s *Store) BlobPath(name string) string { return filepath.Join(s.opts.BlobDir, name) }

// sweepBlobTrash removes trashed blobs from the BlobStore, then their
// rows. A crash between the two leaves rows that the next sweep finishes
// (removing a blob that is gone already is no error).
func (s *Store) sweepBlobTrash(ctx context.Context) {
	rows, err := s.wdb.QueryContext(ctx, `SELECT blob FROM blob_trash`)
	if err != nil {
		s.log.Error("blob sweep", "err", err)
		return
	}
	var names []string
	for rows.Next() {
		var n string
		if rows.Scan(&n) == nil {
			names = append(names, n)
		}
	}
	rows.Close()
	for _, n := range names {
		if err := s.blobs.Remove(ctx, n); err != nil {
			s.log.Error("blob sweep", "blob", n, "err", err)
			continue
		}
		if _, err := s.wdb.ExecContext(ctx, `DELETE FROM blob_trash WHERE blob = ?`, n); err != nil {
			s.log.Error("blob sweep", "blob", n, "err", err)
		}
	}
}
