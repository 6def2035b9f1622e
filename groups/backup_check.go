package groups

import (
	"context"
	"sort"
	"strings"
)

// CheckReport is what Check found.
type CheckReport struct {
	// Integrity is PRAGMA integrity_check's answer: "ok" when sound.
	Integrity string
	// ForeignKeys counts rows that PRAGMA foreign_key_check reports.
	ForeignKeys int
	// Blobs counts the blobs that folder entries and note attachments
	// (with their thumbnails) reference.
	Blobs int
	// Missing are referenced blobs absent from the blob directory.
	Missing []string
	// Orphans are blob files that nothing references (neither a folder
	// entry, a note attachment nor the blob trash): what a crash between an upload's rename
	// and its commit leaves until SweepFolderBlobs removes it.
	Orphans []string
}

// OK reports whether the database is sound and no referenced blob is
// missing. Orphans are tolerated: they are garbage, never visible.
func (r CheckReport) OK() bool {
	return r.Integrity == "ok" && r.ForeignKeys == 0 && len(r.Missing) == 0
}

// Check verifies the store: PRAGMA integrity_check and foreign_key_check
// on the database, then the blob directory against the folder entries
// and note attachments.
// Backup restores and the crash-safety suite rely on it.
func (s *Store) Check(ctx context.Context) (CheckReport, error) {
	var r CheckReport
	if s.d.pg {
		// PostgreSQL enforces its foreign keys and checksums its pages
		// itself: what is left to check is the blobs.
		r.Integrity = "ok"
		return r, s.checkBlobs(ctx, &r)
	}
	rows, err := s.rdb.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return r, err
	}
	var lines []string
	for rows.Next() {
		var l string
		if err := rows.Scan(&l); err != nil {
			rows.Close()
			return r, err
		}
		lines = append(lines, l)
	}
	rows.Close()
	r.Integrity = strings.Join(lines, "\n")
	fk, err := s.rdb.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return r, err
	}
	for fk.Next() {
		r.ForeignKeys++
	}
	fk.Close()
	return r, s.checkBlobs(ctx, &r)
}

func (s *Store) checkBlobs(ctx context.Context, r *CheckReport) error {
	var refs []string
	rows, err := s.rdb.QueryContext(ctx, referencedBlobsSQL)
	if err != nil {
		return err
	}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return err
		}
		refs = append(refs, n)
	}
	rows.Close()
	used, err := s.usedBlobs(ctx)
	if err != nil {
		return err
	}
	onDisk, err := s.blobs.List(ctx)
	if err != nil {
		return err
	}
	for name := range onDisk {
		if !used[name] {
			r.Orphans = append(r.Orphans, name)
		}
	}
	r.Blobs = len(refs)
	for _, n := range refs {
		if _, ok := onDisk[n]; !ok {
			r.Missing = append(r.Missing, n)
		}
	}
	sort.Strings(r.Missing)
	sort.Strings(r.Orphans)
	return nil
}
